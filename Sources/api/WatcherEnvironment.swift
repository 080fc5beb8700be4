import ArgumentParser
import Foundation
import Watcher

/// Reads the watcher's environment variables; the only place the watcher's settings come from the environment.
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
enum WatcherEnvironment {
    static func configuration(from environment: [String: String]) throws -> WatcherConfiguration {
        let home = environment["HOME"] ?? NSHomeDirectory()
        let sources = Set((environment["WATCH_SOURCES"] ?? "openclaw,claude").split(separator: ",").map(String.init))
        for source in sources where source != "openclaw" && source != "claude" {
            throw ValidationError("WATCH_SOURCES: unknown source '\(source)' (use openclaw, claude)")
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
            configuration.toolLabeler = try ToolLabeler(contentsOf: URL(fileURLWithPath: path))
        }
        return configuration
    }

    private static func positive(_ name: String, in environment: [String: String], default value: Int) throws -> Int {
        guard let text = environment[name], !text.isEmpty else { return value }
        guard let number = Int(text), number > 0 else { throw ValidationError("\(name) must be a positive integer") }
        return number
    }
}
