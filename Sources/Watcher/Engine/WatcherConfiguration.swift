/// Settings of the watcher; plain values with defaults, filled from the environment by the `api` target only.
package struct WatcherConfiguration: Sendable {
    /// OpenClaw agents root (`<root>/<agentId>/sessions/sessions.json`); nil disables OpenClaw.
    package var openClawRoot: String?
    /// Claude Code projects root; nil disables Claude Code.
    package var claudeProjectsRoot: String?
    /// Where tail offsets are persisted; nil keeps them in memory only.
    package var offsetsFile: String?
    package var idleTimeout: Duration = .seconds(60)
    package var orphanTimeout: Duration = .seconds(300)
    /// Activity lines kept per session and shown for a top-level session.
    package var maxStatusLines = 10
    package var maxMessageCharacters = 15000
    package var lineWidth = 160
    /// Nesting levels of sub-agents rendered under a session.
    package var maxDepth = 3
    /// Whether to use inotify at all; when false (or when it is unavailable) the watcher only polls.
    package var usesInotify = true
    /// Rescan interval when inotify works; it also drives idle detection.
    package var pollInterval: Duration = .seconds(1)
    /// Rescan interval when an inotify watch could not be set.
    package var fallbackPollInterval: Duration = .milliseconds(250)
    /// The shortest time between two writes of the offsets file.
    package var offsetFlushInterval: Duration = .seconds(2)
    /// The longest transcript line parsed (default 1 MiB); a longer one is skipped up to its newline and
    /// counted (`skippedLines`), so a line without an end cannot grow the watcher's memory.
    package var maxLineBytes = TranscriptTail.defaultMaxLineBytes
    package var toolLabeler = ToolLabeler()

    package init(openClawRoot: String? = nil, claudeProjectsRoot: String? = nil, offsetsFile: String? = nil) {
        self.openClawRoot = openClawRoot
        self.claudeProjectsRoot = claudeProjectsRoot
        self.offsetsFile = offsetsFile
    }

    var modelSettings: SessionModel.Settings {
        SessionModel.Settings(
            idleTimeout: idleTimeout, maxActivityLines: maxStatusLines, orphanTimeout: orphanTimeout,
            labeler: toolLabeler)
    }

    /// The formatter settings matching this configuration.
    package var formatterSettings: StatusFormatter.Settings {
        StatusFormatter.Settings(maxLines: maxStatusLines, lineWidth: lineWidth, maxCharacters: maxMessageCharacters)
    }
}
