import Hummingbird
import Lifecycle
import Logging

/// Turns every error a route (or the router) throws into a problem+json response; server errors are logged.
/// An unexpected error (a 500) is answered with a generic detail naming a request id, and logged with that id
/// and its cause, so the client learns nothing of the server's internals and the operator can find the line.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            var problem = Problem(error)
            guard problem.status.code >= 500 else { return try problem.response(from: request, context: context) }
            var metadata: Logger.Metadata = [
                "http.method": "\(request.method)", "http.path": "\(request.uri.path)",
                "http.status": "\(problem.status.code)", "error": "\(problem.detail)",
            ]
            if problem.kind == Problem.internalKind {
                let requestID = Self.newRequestID()
                metadata["http.request_id"] = "\(requestID)"
                metadata["error"] = "\(LoggedError(error))"
                problem = Problem(
                    .internalServerError, Problem.internalKind,
                    "internal error; the server's log has its cause under request id \(requestID)")
            }
            context.logger.error("request failed", metadata: metadata)
            return try problem.response(from: request, context: context)
        }
    }

    /// 16 hex digits: enough to find one line in a log, and no information about the request.
    static func newRequestID() -> String {
        let value = UInt64.random(in: .min ... .max)
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
