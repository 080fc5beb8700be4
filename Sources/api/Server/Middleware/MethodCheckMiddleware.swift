import Hummingbird

/// Answers 405 with an `Allow` header to a method the path's route does not serve (TRACE, OPTIONS without a
/// configured CORS origin, HEAD, ...), before authentication; a path no route matches goes on to the 404.
struct MethodCheckMiddleware<Context: RequestContext>: RouterMiddleware {
    let routes: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard let route = routes.route(for: request.uri.path),
            route.operations[request.method.rawValue] == nil
        else { return try await next(request, context) }
        let problem = Problem(
            .methodNotAllowed, "method-not-allowed",
            "\(route.template) does not answer \(request.method.rawValue); it answers \(route.allow)")
        var response = try problem.response(from: request, context: context)
        response.headers[.allow] = route.allow
        return response
    }
}
