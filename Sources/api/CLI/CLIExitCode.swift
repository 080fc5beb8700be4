import ArgumentParser

/// The exit statuses of the operator commands, in one place (sysexits.h values where one fits).
enum CLIExitCode {
    /// The task ran but did not succeed (`dispatch --wait`: failed or timed_out).
    static let taskDidNotSucceed: Int32 = 2
    /// Bad flags or arguments (ArgumentParser's own usage errors also exit 64).
    static let usage: Int32 = 64
    /// The server refused the request: 400, 409, 413, 422 or 429.
    static let invalidRequest: Int32 = 65
    /// No such agent, task, route or database file: 404.
    static let notFound: Int32 = 66
    /// The server could not be reached (connection refused, timeout) or answered 503.
    static let unavailable: Int32 = 69
    /// A missing or wrong token: 401 or 403.
    static let unauthorized: Int32 = 77
    /// Anything else.
    static let other: Int32 = 1

    /// The table shown by `--help` and in the README.
    static let summary = """
        Exit status:
          0   success
          1   any other error
          2   dispatch --wait: the task failed or timed out
          64  usage: bad flags or arguments
          65  invalid request (HTTP 400, 409, 413, 422, 429)
          66  not found (HTTP 404)
          69  server unavailable (connection refused, HTTP 503)
          77  unauthorized (HTTP 401, 403)
        """

    /// The status for an HTTP error response.
    static func forHTTPStatus(_ status: Int) -> Int32 {
        switch status {
        case 404: notFound
        case 401, 403: unauthorized
        case 503: unavailable
        case 400, 409, 413, 422, 429: invalidRequest
        default: other
        }
    }
}
