import DormouseClient
import HTTPTypes
import Hummingbird
import Watcher

/// The watcher's health: the chat relay's figures and the engine's counters. Served as `GET /health` by
/// `dormouse watch` (on `HEALTH_PORT`, no auth), which answers 503 when the relay is `degraded` (circuit not
/// closed, or the last chat request failed) so a monitor that only reads the status code notices; and as
/// `GET /watch/health` by `serve --watch` (auth like the other routes), which answers 200 either way like the
/// server's own `GET /health` (the API keeps error statuses for problem documents). The body is the same.
package struct WatchHealthController: Sendable {
    /// The engine's counters that the document shows.
    package struct EngineFigures: Sendable, Equatable {
        package var sessions: Int
        package var linesParsed: Int
        package var skippedLines = 0
    }

    private let relayHealth: @Sendable () async -> [String: RelayHealth]
    private let engineFigures: @Sendable () async -> EngineFigures

    /// Reads each chat's relay (named by its chat) and the engine.
    package init(engine: WatchEngine, relays: [(chat: String, relay: ChatRelay)]) {
        self.init(
            chatHealth: {
                var figures: [String: RelayHealth] = [:]
                for (chat, relay) in relays { figures[chat] = await relay.health() }
                return figures
            }
        ) {
            let statistics = await engine.statistics
            return EngineFigures(
                sessions: statistics.sessions, linesParsed: statistics.linesParsed,
                skippedLines: statistics.skippedLines)
        }
    }

    /// Figures from elsewhere (tests), for each chat by name.
    package init(
        chatHealth: @escaping @Sendable () async -> [String: RelayHealth],
        engineFigures: @escaping @Sendable () async -> EngineFigures
    ) {
        self.relayHealth = chatHealth
        self.engineFigures = engineFigures
    }

    /// Figures from elsewhere (tests), for one Mattermost relay.
    package init(
        relayHealth: @escaping @Sendable () async -> RelayHealth,
        engineFigures: @escaping @Sendable () async -> EngineFigures
    ) {
        self.init(chatHealth: { ["mattermost": await relayHealth()] }, engineFigures: engineFigures)
    }

    /// The health document: the relays' fields combined (`status`, `active_sessions`, `waiting_sessions`,
    /// `updates_sent`, `updates_failed`, `queue_depth`, `circuit`, `last_error`, `misrouted_sessions`) at the top
    /// level, each chat's own under `chats`, beside the engine's `sessions`, `lines_parsed` and `skipped_lines`.
    package struct Health: ResponseEncodable, Decodable, Equatable {
        /// Every chat's figures as one (`RelayHealth.combining`).
        package var relay: RelayHealth
        /// Each chat's own figures, by chat name (`mattermost`, `matrix`, `slack`).
        package var chats: [String: RelayHealth]
        /// Sessions (top-level and sub-agents) the engine follows.
        package var sessions: Int
        /// Transcript lines the engine parsed since it started.
        package var linesParsed: Int
        /// Transcript lines over the size cap (`WatcherConfiguration.maxLineBytes`), skipped unparsed.
        package var skippedLines: Int
        package var version: String

        private enum CodingKeys: String, CodingKey {
            case sessions, version, chats
            case linesParsed = "lines_parsed"
            case skippedLines = "skipped_lines"
        }

        package init(
            relay: RelayHealth, chats: [String: RelayHealth] = [:], sessions: Int, linesParsed: Int,
            skippedLines: Int = 0, version: String = DormouseVersion.current
        ) {
            self.relay = relay
            self.chats = chats
            self.sessions = sessions
            self.linesParsed = linesParsed
            self.skippedLines = skippedLines
            self.version = version
        }

        package init(from decoder: any Decoder) throws {
            relay = try RelayHealth(from: decoder)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            chats = try container.decodeIfPresent([String: RelayHealth].self, forKey: .chats) ?? [:]
            sessions = try container.decode(Int.self, forKey: .sessions)
            linesParsed = try container.decode(Int.self, forKey: .linesParsed)
            skippedLines = try container.decodeIfPresent(Int.self, forKey: .skippedLines) ?? 0
            version = try container.decode(String.self, forKey: .version)
        }

        // The relay's keys and ours share one object: both write into the same keyed container.
        package func encode(to encoder: any Encoder) throws {
            try relay.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(chats, forKey: .chats)
            try container.encode(sessions, forKey: .sessions)
            try container.encode(linesParsed, forKey: .linesParsed)
            try container.encode(skippedLines, forKey: .skippedLines)
            try container.encode(version, forKey: .version)
        }

        package var isOK: Bool { relay.status == "ok" }
    }

    /// Adds `GET path`, answering `degradedStatus` while the relay is degraded.
    package func addRoutes(
        to router: Router<some RequestContext>, path: RouterPath, degradedStatus: HTTPResponse.Status = .ok
    ) {
        router.get(path) { _, _ -> EditedResponse<Health> in
            let health = await check()
            return EditedResponse(
                status: health.isOK ? .ok : degradedStatus, headers: [.cacheControl: "no-store"], response: health)
        }
    }

    package func check() async -> Health {
        let figures = await engineFigures()
        let chats = await relayHealth()
        return Health(
            relay: RelayHealth.combining(chats.keys.sorted().compactMap { chats[$0] }), chats: chats,
            sessions: figures.sessions, linesParsed: figures.linesParsed,
            skippedLines: figures.skippedLines)
    }
}
