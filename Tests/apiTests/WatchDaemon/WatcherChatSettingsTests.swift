import DormouseClient
import Testing
import Watcher

@testable import WatchDaemon

/// The chat adapters' settings: which chats are on, their defaults, their relays' posts files and routing roles.
@Suite("Watcher chat settings")
struct WatcherChatSettingsTests {
    static let all = [
        "HOME": "/home/op", "MM_BASE_URL": "https://mm.example.com", "MM_BOT_TOKEN": "mm-tok",
        "DEFAULT_CHANNEL": "town1square", "MATRIX_HOMESERVER_URL": "https://matrix.example.org/",
        "MATRIX_ACCESS_TOKEN": "syt_tok", "MATRIX_DEFAULT_ROOM": "#agents:example.org",
        "SLACK_BOT_TOKEN": "xoxb-1-2", "SLACK_DEFAULT_CHANNEL": "C0123ABCD",
    ]

    @Test func readsEveryChatInKindOrder() throws {
        let settings = try WatcherEnvironment.settings(from: Self.all)
        #expect(
            settings.chats == [
                .init(kind: .mattermost, url: "https://mm.example.com", token: "mm-tok", defaultTarget: "town1square"),
                .init(
                    kind: .matrix, url: "https://matrix.example.org", token: "syt_tok",
                    defaultTarget: "#agents:example.org"),
                .init(kind: .slack, url: "https://slack.com/api", token: "xoxb-1-2", defaultTarget: "C0123ABCD"),
            ])
    }

    @Test func eachChatGetsItsOwnRelaySettings() throws {
        let relays = try WatcherEnvironment.settings(from: Self.all.merging(["THROTTLE_MS": "900"]) { _, new in new })
            .relayConfigurations.map(\.relay)
        #expect(relays.map(\.defaultChannel) == ["town1square", "#agents:example.org", "C0123ABCD"])
        #expect(relays.map(\.isPrimary) == [true, false, false])
        #expect(
            relays.map(\.otherChats) == [["matrix", "slack"], ["mattermost", "slack"], ["mattermost", "matrix"]])
        #expect(
            relays.map(\.postsFile) == [
                "/home/op/.local/state/dormouse/watch-posts.json",
                "/home/op/.local/state/dormouse/watch-posts-matrix.json",
                "/home/op/.local/state/dormouse/watch-posts-slack.json",
            ])
        #expect(relays.allSatisfy { $0.throttle == .milliseconds(900) })
    }

    @Test func theFirstConfiguredChatIsPrimary() throws {
        let settings = try WatcherEnvironment.settings(from: [
            "HOME": "/h", "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_API_URL": "http://127.0.0.1:9999/api",
            "WATCH_POSTS_FILE": "",
        ])
        let relays = settings.relayConfigurations
        #expect(relays.map(\.chat.kind) == [.slack])
        #expect(relays[0].chat.url == "http://127.0.0.1:9999/api")
        #expect(relays[0].relay.isPrimary && relays[0].relay.otherChats.isEmpty)
        #expect(relays[0].relay.postsFile == nil)
    }

    @Test(arguments: [
        (["MATRIX_HOMESERVER_URL": "https://m.example.org"], "MATRIX_ACCESS_TOKEN must be set"),
        (["MATRIX_ACCESS_TOKEN": "t"], "MATRIX_HOMESERVER_URL is not"),
        (["MATRIX_HOMESERVER_URL": "ftp://m", "MATRIX_ACCESS_TOKEN": "t"], "MATRIX_HOMESERVER_URL must be an http(s)"),
        (
            ["MATRIX_HOMESERVER_URL": "https://m", "MATRIX_ACCESS_TOKEN": "t", "MATRIX_DEFAULT_ROOM": "agents"],
            "MATRIX_DEFAULT_ROOM must be a room id"
        ),
        (
            ["MATRIX_HOMESERVER_URL": "https://m", "MATRIX_ACCESS_TOKEN": "t", "MATRIX_DEFAULT_ROOM": "#agents"],
            "MATRIX_DEFAULT_ROOM must be a room id"
        ),
        (["MATRIX_HOMESERVER_URL": "https://m", "MATRIX_ACCESS_TOKEN": "a b"], "must not contain spaces"),
        (["SLACK_DEFAULT_CHANNEL": "C1"], "SLACK_BOT_TOKEN is not"),
        (["SLACK_BOT_TOKEN": "x", "SLACK_DEFAULT_CHANNEL": "#general"], "SLACK_DEFAULT_CHANNEL must be a channel id"),
        (["SLACK_BOT_TOKEN": "x", "SLACK_API_URL": "slack.com/api"], "SLACK_API_URL must be an http(s)"),
    ])
    func malformedChatSettingsAreRefused(environment: [String: String], message: String) {
        let error = #expect(throws: ConfigurationError.self) {
            try WatcherEnvironment.settings(from: environment.merging(["HOME": "/h"]) { a, _ in a })
        }
        #expect(error?.description.contains(message) == true, "\(String(describing: error))")
    }

    @Test func printingChatSettingsNeverShowsATokens() throws {
        let settings = try WatcherEnvironment.settings(from: Self.all)
        var dumped = ""
        dump(settings, to: &dumped)
        for text in [dumped, "\(settings)", String(reflecting: settings)] + settings.chats.map({ "\($0)" }) {
            for token in ["mm-tok", "syt_tok", "xoxb-1-2"] { #expect(!text.contains(token)) }
        }
    }
}
