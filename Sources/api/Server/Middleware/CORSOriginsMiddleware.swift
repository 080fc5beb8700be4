import Hummingbird

/// CORS for the operator's `DORMOUSE_CORS_ORIGINS` only: a request from one of them gets
/// `Access-Control-Allow-Origin` (that origin) and `Vary: Origin`, and its preflight `OPTIONS` is answered
/// 204. With no origin configured this middleware is not installed, so no response carries a CORS header.
struct CORSOriginsMiddleware<Context: RequestContext>: RouterMiddleware {
    let origins: Set<String>

    /// What a preflight allows.
    static var allowMethods: String { "GET, POST, PATCH, DELETE" }
    static var allowHeaders: String { "Authorization, Content-Type, Last-Event-ID" }
    static var exposeHeaders: String { "Location, Retry-After" }

    init(origins: [String]) {
        self.origins = Set(origins.map(\.normalizedOrigin))
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard let origin = request.headers[.origin], origins.contains(origin.normalizedOrigin) else {
            var response = try await next(request, context)
            response.headers[.vary] = "Origin"
            return response
        }
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            return Response(
                status: .noContent,
                headers: [
                    .accessControlAllowOrigin: origin, .vary: "Origin",
                    .accessControlAllowMethods: Self.allowMethods, .accessControlAllowHeaders: Self.allowHeaders,
                    .accessControlMaxAge: "600",
                ])
        }
        var response = try await next(request, context)
        response.headers[.accessControlAllowOrigin] = origin
        response.headers[.accessControlExposeHeaders] = Self.exposeHeaders
        response.headers[.vary] = "Origin"
        return response
    }
}

extension StringProtocol {
    /// An origin as compared: lower-cased, without a trailing slash.
    var normalizedOrigin: String {
        var text = lowercased()
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }
}
