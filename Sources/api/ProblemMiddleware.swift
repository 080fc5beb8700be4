import Hummingbird
import Logging

/// Turns every error a route (or the router) throws into a problem+json response; server errors are logged.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            let problem = Problem(error)
            if problem.status.code >= 500 {
                context.logger.error(
                    "request failed",
                    metadata: [
                        "http.method": "\(request.method)", "http.path": "\(request.uri.path)",
                        "http.status": "\(problem.status.code)", "error": "\(problem.detail)",
                    ])
            }
            return try problem.response(from: request, context: context)
        }
    }
}
