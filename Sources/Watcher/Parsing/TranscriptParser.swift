import Foundation

/// Turns transcript lines of one format into `TranscriptEvent`s, keeping the state de-duplication needs.
package struct TranscriptParser: Sendable {
    /// The transcript formats the watcher understands.
    package enum Format: String, Sendable, Codable {
        case claudeCode
        case openClaw
    }

    /// What one line turned into.
    package enum Outcome: Sendable, Equatable {
        /// A known line; the list is empty for lines that carry nothing the model needs.
        case events([TranscriptEvent])
        /// A well-formed line of a type this parser does not know: skipped and counted.
        case unknown(type: String)
        /// A line that is not valid JSON or lacks required fields: skipped, counted and logged.
        case malformed(reason: String)
    }

    package let format: Format
    /// Last usage seen per Claude Code `message.id`: one response is written as several lines repeating it.
    var usageByMessage: [String: TokenUsage] = [:]
    /// Tool names by call id, because Claude Code results carry only the id.
    var toolNames: [String: String] = [:]

    package init(format: Format) {
        self.format = format
    }

    /// Parses one complete line (without its newline).
    package mutating func parse(_ line: Data) -> Outcome {
        guard line.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else {
            return .malformed(reason: "empty line")
        }
        switch format {
        case .claudeCode: return parseClaudeCode(line)
        case .openClaw: return parseOpenClaw(line)
        }
    }

    mutating func rememberTool(_ call: ToolCall) {
        toolNames[call.id] = call.name
    }

    mutating func takeToolName(_ id: String) -> String? {
        toolNames.removeValue(forKey: id)
    }
}
