import Hummingbird

/// When an API token is configured, every route but `/health` and the dashboard page needs
/// `Authorization: Bearer <token>`; `/events` also takes a stream token (`?access_token=`) issued by
/// `POST /events/token`. The comparison takes the same time wherever the first difference is.
struct BearerAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: String?
    let streamTokens: StreamTokens
    /// Paths that never need the token: health checks, and the page that asks for it.
    let openPaths: Set<String> = ["/health", "/"]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard let token, !openPaths.contains(request.uri.path) else { return try await next(request, context) }
        if request.uri.path == "/events", let streamToken = request.uri.queryParameters.get("access_token"),
            streamTokens.redeem(streamToken)
        {
            return try await next(request, context)
        }
        guard let header = request.headers[.authorization], header.count > 7,
            header.prefix(7).lowercased() == "bearer ",
            Self.constantTimeEquals(Array(header.utf8.dropFirst(7)), Array(token.utf8))
        else {
            throw Problem(.unauthorized, "unauthorized", "this route needs Authorization: Bearer <DORMOUSE_API_TOKEN>")
        }
        return try await next(request, context)
    }

    /// Compares every byte of both inputs, whatever they hold; only the lengths' equality leaks.
    static func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        var difference = UInt8(lhs.count == rhs.count ? 0 : 1)
        for index in 0..<max(lhs.count, rhs.count) {
            let left = index < lhs.count ? lhs[index] : 0
            let right = index < rhs.count ? rhs[index] : 0
            difference |= left ^ right
        }
        return difference == 0
    }
}
