import DormouseClient

extension CLIError {
    /// The process exit status for this failure (see `CLIExitCode`).
    var exitCode: Int32 {
        switch kind {
        case .server(let status): CLIExitCode.forHTTPStatus(status)
        case .unreachable: CLIExitCode.unavailable
        case .notFound: CLIExitCode.notFound
        case .invalidInput: CLIExitCode.invalidRequest
        case .taskDidNotSucceed: CLIExitCode.taskDidNotSucceed
        case .other: CLIExitCode.other
        }
    }
}
