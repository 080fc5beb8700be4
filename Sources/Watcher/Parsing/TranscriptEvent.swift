/// One thing an agent did, in the vocabulary shared by every transcript format.
package enum TranscriptEvent: Sendable, Equatable {
    /// A new prompt from the user: the only transcript proof that a new turn started.
    case userPrompt(String)
    /// A tool call started.
    case toolCallStarted(ToolCall)
    /// A tool call finished.
    case toolResult(id: String, name: String?, isError: Bool, summary: String)
    /// A snippet of assistant text.
    case assistantText(String)
    /// A snippet of assistant thinking.
    case thinking(String)
    /// Token usage to add to the session totals (already de-duplicated by the parser).
    case tokens(TokenUsage)
    /// The agent ended its turn.
    case turnEnded(TurnOutcome)
    /// The agent reported an error.
    case error(String)
}

/// How a turn ended.
package enum TurnOutcome: String, Sendable, Equatable {
    case done
    case error
    case interrupted
}

/// A tool call with its arguments reduced to top-level scalar strings.
package struct ToolCall: Sendable, Equatable {
    package var id: String
    package var name: String
    /// Top-level arguments whose values are scalars, stringified and cut to a bounded length.
    package var arguments: [String: String]

    package init(id: String, name: String, arguments: [String: String]) {
        self.id = id
        self.name = name
        self.arguments = arguments
    }
}

/// Token counts, with cost when the transcript reports it.
package struct TokenUsage: Sendable, Equatable {
    package var input: Int
    package var output: Int
    package var cacheRead: Int
    package var cacheWrite: Int
    package var cost: Double

    package init(input: Int = 0, output: Int = 0, cacheRead: Int = 0, cacheWrite: Int = 0, cost: Double = 0) {
        self.input = input
        self.output = output
        self.cacheRead = cacheRead
        self.cacheWrite = cacheWrite
        self.cost = cost
    }

    package var total: Int { input + output + cacheRead + cacheWrite }
    package var isZero: Bool { total == 0 && cost == 0 }

    package static func + (lhs: TokenUsage, rhs: TokenUsage) -> TokenUsage {
        TokenUsage(
            input: lhs.input + rhs.input, output: lhs.output + rhs.output, cacheRead: lhs.cacheRead + rhs.cacheRead,
            cacheWrite: lhs.cacheWrite + rhs.cacheWrite, cost: lhs.cost + rhs.cost)
    }

    package static func - (lhs: TokenUsage, rhs: TokenUsage) -> TokenUsage {
        TokenUsage(
            input: lhs.input - rhs.input, output: lhs.output - rhs.output, cacheRead: lhs.cacheRead - rhs.cacheRead,
            cacheWrite: lhs.cacheWrite - rhs.cacheWrite, cost: lhs.cost - rhs.cost)
    }
}
