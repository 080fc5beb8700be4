/// One thing an agent did, in the vocabulary shared by every transcript format.
public enum TranscriptEvent: Sendable, Equatable {
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
public enum TurnOutcome: String, Sendable, Equatable {
    case done
    case error
    case interrupted
}

/// A tool call with its arguments reduced to top-level scalar strings.
public struct ToolCall: Sendable, Equatable {
    public var id: String
    public var name: String
    /// Top-level arguments whose values are scalars, stringified and cut to a bounded length.
    public var arguments: [String: String]

    public init(id: String, name: String, arguments: [String: String]) {
        self.id = id
        self.name = name
        self.arguments = arguments
    }
}

/// Token counts, with cost when the transcript reports it.
public struct TokenUsage: Sendable, Equatable {
    public var input: Int
    public var output: Int
    public var cacheRead: Int
    public var cacheWrite: Int
    public var cost: Double

    public init(input: Int = 0, output: Int = 0, cacheRead: Int = 0, cacheWrite: Int = 0, cost: Double = 0) {
        self.input = input
        self.output = output
        self.cacheRead = cacheRead
        self.cacheWrite = cacheWrite
        self.cost = cost
    }

    public var total: Int { input + output + cacheRead + cacheWrite }
    public var isZero: Bool { total == 0 && cost == 0 }

    public static func + (lhs: TokenUsage, rhs: TokenUsage) -> TokenUsage {
        TokenUsage(
            input: lhs.input + rhs.input, output: lhs.output + rhs.output, cacheRead: lhs.cacheRead + rhs.cacheRead,
            cacheWrite: lhs.cacheWrite + rhs.cacheWrite, cost: lhs.cost + rhs.cost)
    }

    public static func - (lhs: TokenUsage, rhs: TokenUsage) -> TokenUsage {
        TokenUsage(
            input: lhs.input - rhs.input, output: lhs.output - rhs.output, cacheRead: lhs.cacheRead - rhs.cacheRead,
            cacheWrite: lhs.cacheWrite - rhs.cacheWrite, cost: lhs.cost - rhs.cost)
    }
}
