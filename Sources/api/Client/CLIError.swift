/// Why an operator command (or the client under it) failed: the message to print, and the kind of failure
/// the CLI turns into an exit status (`CLIError+ExitCode.swift`).
package struct CLIError: Error, CustomStringConvertible {
    /// The kinds of failure, each with its own exit status.
    package enum Kind: Sendable {
        case server(status: Int)
        case unreachable
        case notFound
        case invalidInput
        case taskDidNotSucceed
        case other
    }

    package let kind: Kind
    package let description: String

    private init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }

    /// The server answered with an error; `detail` is the problem document's `detail`.
    package static func server(status: Int, detail: String) -> CLIError {
        CLIError(.server(status: status), detail)
    }

    /// No answer from `url` (connection refused, timeout, DNS).
    package static func unreachable(_ url: String, _ reason: String) -> CLIError {
        CLIError(.unreachable, "cannot reach the server at \(url): \(reason)")
    }

    /// Whether the server did not answer at all (a reconnecting command tries again).
    package var isUnreachable: Bool {
        if case .unreachable = kind { return true }
        return false
    }

    /// A local thing (a file) that does not exist.
    package static func notFound(_ message: String) -> CLIError { CLIError(.notFound, message) }

    /// Input the command was given (a file, a payload) that cannot be used.
    package static func invalidInput(_ message: String) -> CLIError { CLIError(.invalidInput, message) }

    /// A waited-for task that finished as failed or timed_out.
    package static func taskDidNotSucceed(_ message: String) -> CLIError { CLIError(.taskDidNotSucceed, message) }

    /// Anything else.
    package static func other(_ message: String) -> CLIError { CLIError(.other, message) }
}
