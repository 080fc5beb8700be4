import Hummingbird
import Watcher

/// `GET /watch/sessions`: every top-level agent session the watcher follows, with its status text as its chat
/// post shows it (sub-agents nested inside). Without a watcher (`serve` without `--watch`) the list is empty and
/// `watching` is false.
package struct WatchSessionsController: Sendable {
    private let sessions: @Sendable () async -> [Session]?

    package init(watch: WatchAssembly?) {
        guard let watch else {
            sessions = { nil }
            return
        }
        sessions = {
            let posts = await watch.postTexts()
            return await watch.engine.snapshots().map { snapshot in
                Session(snapshot, text: posts[snapshot.state.key] ?? watch.formatter.format(snapshot))
            }
        }
    }

    /// The document: `{"watching": Bool, "sessions": [...]}`.
    struct Document: ResponseEncodable {
        var watching: Bool
        var sessions: [Session]
    }

    /// One session as the dashboard shows it.
    package struct Session: Sendable, Encodable {
        var key: String
        var agent: String
        var label: String?
        var status: String
        var format: String
        var startedSecondsAgo: Double
        var idleSeconds: Double
        var subAgents: Int
        var toolCalls: Int
        var errors: Int
        var text: String

        init(_ snapshot: SessionSnapshot, text: String) {
            let state = snapshot.state
            key = state.key
            agent = state.descriptor.agent
            label = state.descriptor.label
            status = state.status.rawValue
            format = state.descriptor.format == .claudeCode ? "claude-code" : "openclaw"
            startedSecondsAgo = Self.seconds(snapshot.takenAt - state.startedAt)
            idleSeconds = Self.seconds(snapshot.takenAt - state.lastActivityAt)
            subAgents = Self.descendants(of: snapshot)
            toolCalls = state.toolCalls
            errors = state.errors
            self.text = text
        }

        private static func seconds(_ duration: Duration) -> Double {
            max(0, Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
        }

        private static func descendants(of snapshot: SessionSnapshot) -> Int {
            snapshot.children.reduce(snapshot.hiddenDescendants) { $0 + 1 + descendants(of: $1) }
        }

        enum CodingKeys: String, CodingKey {
            case key, agent, label, status, format, errors, text
            case startedSecondsAgo = "started_s_ago"
            case idleSeconds = "idle_s"
            case subAgents = "sub_agents"
            case toolCalls = "tool_calls"
        }

        package func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(key, forKey: .key)
            try container.encode(agent, forKey: .agent)
            try container.encode(label, forKey: .label)
            try container.encode(status, forKey: .status)
            try container.encode(format, forKey: .format)
            try container.encode(startedSecondsAgo, forKey: .startedSecondsAgo)
            try container.encode(idleSeconds, forKey: .idleSeconds)
            try container.encode(subAgents, forKey: .subAgents)
            try container.encode(toolCalls, forKey: .toolCalls)
            try container.encode(errors, forKey: .errors)
            try container.encode(text, forKey: .text)
        }
    }

    package func addRoutes(to router: Router<some RequestContext>) {
        router.get("/watch/sessions") { _, _ -> Document in
            let found = await sessions()
            return Document(watching: found != nil, sessions: found ?? [])
        }
    }
}
