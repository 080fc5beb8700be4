import AsyncHTTPClient
import DormouseClient
import Logging
import Watcher

extension WatchSettings {
    /// The message `watch` and `serve --watch` give when no chat is configured.
    package static let noChatHint =
        "set MM_BASE_URL and MM_BOT_TOKEN, MATRIX_HOMESERVER_URL and MATRIX_ACCESS_TOKEN, or SLACK_BOT_TOKEN"
        + " (each with its default channel or room)"

    /// Each configured chat's relay settings with its poster, all over one HTTP client.
    package func chatRelays(httpClient: HTTPClient, logger: Logger) throws -> [(
        relay: ChatRelayConfiguration, poster: any ChatPoster
    )] {
        try relayConfigurations.map { chat, relay in (relay, try chat.poster(httpClient: httpClient, logger: logger)) }
    }
}

extension WatchSettings.Chat {
    /// The poster for this chat.
    func poster(httpClient: HTTPClient, logger: Logger) throws -> any ChatPoster {
        switch kind {
        case .mattermost:
            MattermostPoster(baseURL: url, token: token, httpClient: httpClient, logger: logger)
        case .slack:
            SlackPoster(apiURL: url, token: token, httpClient: httpClient, logger: logger)
        case .matrix:
            MatrixPoster(homeserverURL: url, accessToken: token, httpClient: httpClient, logger: logger)
        }
    }
}
