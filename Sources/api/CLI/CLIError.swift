import ArgumentParser

/// Why an operator command failed: the message to print and its exit status (see `CLIExitCode`).
struct CLIError: Error, CustomStringConvertible {
    private enum Code {
        case server(status: Int)
        case unreachable
        case notFound
        case invalidInput
        case taskDidNotSucceed
        case other
    }

    private let code: Code
    let description: String

    private init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }

    /// The server answered with an error; `detail` is the problem document's `detail`.
    static func server(status: Int, detail: String) -> CLIError {
        CLIError(.server(status: status), detail)
    }

    /// No answer from `url` (connection refused, timeout, DNS).
    static func unreachable(_ url: String, _ reason: String) -> CLIError {
        CLIError(.unreachable, "cannot reach the server at \(url): \(reason)")
    }

    /// Whether the server did not answer at all (a reconnecting command tries again).
    var isUnreachable: Bool {
        if case .unreachable = code { return true }
        return false
    }

    /// A local thing (a file) that does not exist.
    static func notFound(_ message: String) -> CLIError { CLIError(.notFound, message) }

    /// Input the command was given (a file, a payload) that cannot be used.
    static func invalidInput(_ message: String) -> CLIError { CLIError(.invalidInput, message) }

    /// A waited-for task that finished as failed or timed_out.
    static func taskDidNotSucceed(_ message: String) -> CLIError { CLIError(.taskDidNotSucceed, message) }

    /// Anything else.
    static func other(_ message: String) -> CLIError { CLIError(.other, message) }

    /// The process exit status for this failure.
    var exitCode: Int32 {
        switch code {
        case .server(let status): CLIExitCode.forHTTPStatus(status)
        case .unreachable: CLIExitCode.unavailable
        case .notFound: CLIExitCode.notFound
        case .invalidInput: CLIExitCode.invalidRequest
        case .taskDidNotSucceed: CLIExitCode.taskDidNotSucceed
        case .other: CLIExitCode.other
        }
    }
}
