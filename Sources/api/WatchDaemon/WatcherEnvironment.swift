import DormouseClient
import Foundation
import Logging
import Watcher

/// Reads the watcher's environment variables; the only place the watcher's settings come from the environment.
/// A malformed value is a `ConfigurationError` naming the variable (never quoting a token).
///
/// | Variable | Type | Default |
/// |---|---|---|
/// | `TRANSCRIPT_DIR` | path: OpenClaw agents root (`<dir>/<agentId>/sessions/sessions.json`) | `~/.openclaw/agents` |
/// | `CLAUDE_PROJECTS_DIR` | path: Claude Code projects root | `~/.claude/projects` |
/// | `WATCH_SOURCES` | comma list of `openclaw`, `claude` | `openclaw,claude` (both) |
/// | `IDLE_TIMEOUT_S` | positive integer, seconds without activity before a session completes | `60` |
/// | `ORPHAN_TIMEOUT_S` | positive integer, seconds a sub-agent waits for its parent to appear | `300` |
/// | `MAX_STATUS_LINES` | positive integer, activity lines kept and shown per session | `10` |
/// | `MAX_MESSAGE_CHARS` | positive integer, cap on one status text in Unicode scalars | `15000` |
/// | `MAX_LINE_CHARS` | positive integer, characters per activity line | `160` |
/// | `SUBAGENT_MAX_DEPTH` | positive integer, nesting levels of sub-agents rendered | `3` |
/// | `POLL_INTERVAL_MS` | positive integer, rescan interval (also drives idle detection) | `1000` |
/// | `TOOL_LABELS_FILE` | path to a JSON rules file (`{"rules": [...], "fallback": "..."}`) | unset: built-in table |
/// | `WATCH_STATE_FILE` | path of the persisted tail offsets; empty disables persistence | `~/.local/state/dormouse/watch-offsets.json` |
/// | `WATCH_POSTS_FILE` | path of the persisted status post ids; empty disables persistence | `watch-posts.json` beside `WATCH_STATE_FILE` (none if that is empty) |
/// | `MM_BASE_URL` | http(s) URL of the Mattermost server, no credentials in it | unset: only `--stdout` runs |
/// | `MM_BOT_TOKEN` | bot access token, required with `MM_BASE_URL`; never logged or printed | unset |
/// | `DEFAULT_CHANNEL` | Mattermost channel id (letters and digits) for sessions without a chat route | unset: such sessions are skipped |
/// | `MATRIX_HOMESERVER_URL` | http(s) URL of the Matrix homeserver | unset: no Matrix |
/// | `MATRIX_ACCESS_TOKEN` | the bot's access token, required with `MATRIX_HOMESERVER_URL`; never logged or printed | unset |
/// | `MATRIX_DEFAULT_ROOM` | room id (`!id:server`) or alias (`#alias:server`) for sessions without a Matrix route | unset |
/// | `SLACK_BOT_TOKEN` | the Slack bot token (`xoxb-...`); setting it turns Slack on; never logged or printed | unset: no Slack |
/// | `SLACK_DEFAULT_CHANNEL` | Slack channel id (letters and digits) for sessions without a Slack route | unset |
/// | `SLACK_API_URL` | http(s) URL of Slack's Web API | `https://slack.com/api` |
/// | `THROTTLE_MS` | positive integer, shortest time between two edits of one post | `500` |
/// | `MAX_ACTIVE_SESSIONS` | positive integer, sessions holding a status post at once; the rest wait | `20` |
/// | `CIRCUIT_BREAKER_THRESHOLD` | positive integer, consecutive server failures that open the circuit | `5` |
/// | `CIRCUIT_BREAKER_COOLDOWN_S` | positive integer, seconds the circuit stays open before a probe | `30` |
/// | `HEALTH_HOST` | address the `GET /health` listener binds | `127.0.0.1` |
/// | `HEALTH_PORT` | port `0`…`65535` of `GET /health`; `0` picks a free one | `9090` |
/// | `LOG_LEVEL` | `trace`…`critical` (`--log-level` overrides) | `info`; `warning` with `--stdout` |
/// | `PID_FILE` | path of the background instance's PID file (`watch start/stop/status`); its log (`.log`) and health port (`.port`) files sit beside it | `~/.local/state/dormouse/watch.pid` |
/// | `DORMOUSE_URL` | http(s) URL of a Dormouse server whose `container.lazy_started` and `container.lazy_resumed` events are shown as wakes | unset: no wakes (`serve --watch` feeds them in-process) |
/// | `DORMOUSE_API_TOKEN` | that server's API token; never logged or printed | unset |
package enum WatcherEnvironment {
    /// The whole daemon's settings. Does not require `MM_BASE_URL`: the caller decides whether it needs it.
    package static func settings(from environment: [String: String]) throws -> WatchSettings {
        let watcher = try configuration(from: environment)
        return WatchSettings(
            watcher: watcher, relay: try relay(from: environment, offsetsFile: watcher.offsetsFile),
            chats: try chats(from: environment), wakeSource: try wakeSource(from: environment),
            control: try control(from: environment), logLevel: try logLevel(from: environment))
    }

    /// The transcript side: discovery, tailing, parsing and formatting.
    package static func configuration(from environment: [String: String]) throws -> WatcherConfiguration {
        let home = environment["HOME"] ?? NSHomeDirectory()
        let sources = Set((environment["WATCH_SOURCES"] ?? "openclaw,claude").split(separator: ",").map(String.init))
        for source in sources where source != "openclaw" && source != "claude" {
            throw ConfigurationError("WATCH_SOURCES: unknown source '\(source)' (use openclaw, claude)")
        }
        var configuration = WatcherConfiguration(
            openClawRoot: sources.contains("openclaw")
                ? environment["TRANSCRIPT_DIR"] ?? "\(home)/.openclaw/agents" : nil,
            claudeProjectsRoot: sources.contains("claude")
                ? environment["CLAUDE_PROJECTS_DIR"] ?? "\(home)/.claude/projects" : nil,
            offsetsFile: environment["WATCH_STATE_FILE"] ?? "\(home)/.local/state/dormouse/watch-offsets.json")
        if configuration.offsetsFile == "" { configuration.offsetsFile = nil }
        configuration.idleTimeout = .seconds(try positive("IDLE_TIMEOUT_S", in: environment, default: 60))
        configuration.orphanTimeout = .seconds(try positive("ORPHAN_TIMEOUT_S", in: environment, default: 300))
        configuration.maxStatusLines = try positive("MAX_STATUS_LINES", in: environment, default: 10)
        configuration.maxMessageCharacters = try positive("MAX_MESSAGE_CHARS", in: environment, default: 15000)
        configuration.lineWidth = try positive("MAX_LINE_CHARS", in: environment, default: 160)
        configuration.maxDepth = try positive("SUBAGENT_MAX_DEPTH", in: environment, default: 3)
        configuration.pollInterval = .milliseconds(try positive("POLL_INTERVAL_MS", in: environment, default: 1000))
        if let path = environment["TOOL_LABELS_FILE"], !path.isEmpty {
            do {
                configuration.toolLabeler = try ToolLabeler(contentsOf: URL(fileURLWithPath: path))
            } catch {
                throw ConfigurationError("TOOL_LABELS_FILE: cannot use \(path): \(error)")
            }
        }
        return configuration
    }

    /// The PID file and the health listener: what `watch stop` and `watch status` need.
    package static func control(from environment: [String: String]) throws -> WatchSettings.Control {
        let home = environment["HOME"] ?? NSHomeDirectory()
        var control = WatchSettings.Control(pidFile: "\(home)/.local/state/dormouse/watch.pid")
        if let path = environment["PID_FILE"], !path.isEmpty { control.pidFile = path }
        if let host = environment["HEALTH_HOST"], !host.isEmpty { control.healthHost = host }
        if let text = environment["HEALTH_PORT"], !text.isEmpty {
            guard let port = Int(text), (0...65_535).contains(port) else {
                throw ConfigurationError("HEALTH_PORT must be a port number 0-65535, got \"\(text)\"")
            }
            control.healthPort = port
        }
        return control
    }

    private static func relay(from environment: [String: String], offsetsFile: String?) throws
        -> ChatRelayConfiguration
    {
        var relay = ChatRelayConfiguration()
        relay.postsFile = offsetsFile.map {
            URL(fileURLWithPath: $0).deletingLastPathComponent().appendingPathComponent("watch-posts.json").path
        }
        if let path = environment["WATCH_POSTS_FILE"] { relay.postsFile = path.isEmpty ? nil : path }
        relay.throttle = .milliseconds(try positive("THROTTLE_MS", in: environment, default: 500))
        relay.maxActiveSessions = try positive("MAX_ACTIVE_SESSIONS", in: environment, default: 20)
        relay.circuitBreakerThreshold = try positive("CIRCUIT_BREAKER_THRESHOLD", in: environment, default: 5)
        relay.circuitBreakerCooldown = .seconds(
            try positive("CIRCUIT_BREAKER_COOLDOWN_S", in: environment, default: 30))
        return relay
    }

    /// The chats configured, in `WatchSettings.Chat.Kind` order. A chat is on when its URL (Slack: its token) is
    /// set; its token is then required.
    private static func chats(from environment: [String: String]) throws -> [WatchSettings.Chat] {
        var chats: [WatchSettings.Chat] = []
        // Defaults are checked even when their chat is off: a typo shows before the chat is turned on.
        let mattermostChannel = try channelID("DEFAULT_CHANNEL", in: environment)
        let matrixRoom = try matrixRoom("MATRIX_DEFAULT_ROOM", in: environment)
        if let text = environment["MM_BASE_URL"], !text.isEmpty {
            chats.append(
                WatchSettings.Chat(
                    kind: .mattermost, url: try httpURL("MM_BASE_URL", text),
                    token: try token("MM_BOT_TOKEN", in: environment, with: "MM_BASE_URL"),
                    defaultTarget: mattermostChannel))
        }
        if let text = environment["MATRIX_HOMESERVER_URL"], !text.isEmpty {
            chats.append(
                WatchSettings.Chat(
                    kind: .matrix, url: try httpURL("MATRIX_HOMESERVER_URL", text),
                    token: try token("MATRIX_ACCESS_TOKEN", in: environment, with: "MATRIX_HOMESERVER_URL"),
                    defaultTarget: matrixRoom))
        } else if environment["MATRIX_ACCESS_TOKEN"].map({ !$0.isEmpty }) == true {
            throw ConfigurationError("MATRIX_ACCESS_TOKEN is set but MATRIX_HOMESERVER_URL is not")
        }
        if environment["SLACK_BOT_TOKEN"].map({ !$0.isEmpty }) == true {
            let url = environment["SLACK_API_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? "https://slack.com/api"
            chats.append(
                WatchSettings.Chat(
                    kind: .slack, url: try httpURL("SLACK_API_URL", url),
                    token: try token("SLACK_BOT_TOKEN", in: environment, with: "SLACK_BOT_TOKEN"),
                    defaultTarget: try channelID("SLACK_DEFAULT_CHANNEL", in: environment)))
        } else if environment["SLACK_DEFAULT_CHANNEL"].map({ !$0.isEmpty }) == true {
            throw ConfigurationError("SLACK_DEFAULT_CHANNEL is set but SLACK_BOT_TOKEN is not")
        }
        return chats
    }

    /// A required token. Its value never appears in a message: only whether it is there and well-formed.
    private static func token(_ name: String, in environment: [String: String], with setting: String) throws
        -> String
    {
        guard let token = environment[name], !token.isEmpty else {
            throw ConfigurationError("\(name) must be set when \(setting) is (the bot's access token)")
        }
        guard !token.contains(where: { $0.isWhitespace || $0.asciiValue.map { $0 < 0x20 || $0 == 0x7F } == true })
        else {
            throw ConfigurationError("\(name) must not contain spaces, newlines or control characters")
        }
        return token
    }

    /// A Mattermost or Slack channel id: letters and digits.
    private static func channelID(_ name: String, in environment: [String: String]) throws -> String? {
        guard let channel = environment[name], !channel.isEmpty else { return nil }
        guard channel.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            throw ConfigurationError("\(name) must be a channel id (letters and digits), got \"\(channel)\"")
        }
        return channel
    }

    /// A Matrix room id `!opaque:server` or alias `#name:server`.
    private static func matrixRoom(_ name: String, in environment: [String: String]) throws -> String? {
        guard let room = environment[name], !room.isEmpty else { return nil }
        let parts = room.dropFirst().split(separator: ":", maxSplits: 1)
        guard let sigil = room.first, sigil == "!" || sigil == "#", parts.count == 2, !parts[0].isEmpty,
            !parts[1].isEmpty, room.count <= 255,
            !room.contains(where: { $0.isWhitespace || !$0.isASCII || $0.asciiValue.map { $0 < 0x20 } == true })
        else {
            throw ConfigurationError(
                "\(name) must be a room id (!id:server) or alias (#name:server), got \"\(room)\"")
        }
        return room
    }

    private static func wakeSource(from environment: [String: String]) throws -> WatchSettings.WakeSource? {
        guard let text = environment["DORMOUSE_URL"], !text.isEmpty else { return nil }
        let token = environment["DORMOUSE_API_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        return WatchSettings.WakeSource(url: try httpURL("DORMOUSE_URL", text), token: token)
    }

    private static func logLevel(from environment: [String: String]) throws -> Logger.Level? {
        guard let text = environment["LOG_LEVEL"], !text.isEmpty else { return nil }
        guard let level = Logger.Level(rawValue: text.lowercased()) else {
            throw ConfigurationError("LOG_LEVEL must be one of trace, debug, info, notice, warning, error, critical")
        }
        return level
    }

    /// `text` as an http(s) URL without a trailing slash. The value is not quoted back: a URL may carry
    /// credentials, which are refused.
    private static func httpURL(_ name: String, _ text: String) throws -> String {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty,
            components.query == nil, components.fragment == nil
        else {
            throw ConfigurationError("\(name) must be an http(s) URL such as https://chat.example.com")
        }
        guard components.user == nil, components.password == nil else {
            throw ConfigurationError("\(name) must not carry credentials; put the token in its own variable")
        }
        var url = text
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }

    private static func positive(_ name: String, in environment: [String: String], default value: Int) throws -> Int {
        guard let text = environment[name], !text.isEmpty else { return value }
        guard let number = Int(text), number > 0 else {
            throw ConfigurationError("\(name) must be a positive integer, got \"\(text)\"")
        }
        return number
    }
}
