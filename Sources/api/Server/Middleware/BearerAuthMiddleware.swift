import Hummingbird

/// When an API token is configured, every route but `/health` and the dashboard page needs
/// `Authorization: Bearer <token>`; `/events` also takes a stream token (`?access_token=`) issued by
/// `POST /events/token`. The read-only token (`DORMOUSE_READ_TOKEN`), when set, is taken on GET and HEAD
/// and on `POST /events/token` (which only reads); on any other route it is answered 403. Comparisons
/// take the same time wherever the first difference is, and both tokens are always compared.
struct BearerAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: String?
    var readToken: String?
    let streamTokens: StreamTokens
    /// Paths that never need the token: health checks, and the page that asks for it.
    let openPaths: Set<String> = ["/health", "/"]

    init(token: String?, readToken: String? = nil, streamTokens: StreamTokens) {
        self.token = token
        self.readToken = readToken
        self.streamTokens = streamTokens
    }

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
            header.prefix(7).lowercased() == "bearer "
        else { throw Self.unauthorized }
        let sent = Array(header.utf8.dropFirst(7))
        let isFull = Self.constantTimeEquals(sent, Array(token.utf8))
        let isRead = readToken.map { Self.constantTimeEquals(sent, Array($0.utf8)) } ?? false
        if isFull { return try await next(request, context) }
        guard isRead else { throw Self.unauthorized }
        guard Self.readOnly(request) else {
            throw Problem(
                .forbidden, "read-only-token",
                "a read-only token (DORMOUSE_READ_TOKEN) was used on a route that changes state; it needs DORMOUSE_API_TOKEN"
            )
        }
        return try await next(request, context)
    }

    /// Whether a read-only token may make `request`: reads, and the stream token a read-only dashboard needs.
    static func readOnly(_ request: Request) -> Bool {
        request.method == .get || request.method == .head
            || (request.method == .post && request.uri.path == "/events/token")
    }

    static var unauthorized: Problem {
        Problem(.unauthorized, "unauthorized", "this route needs Authorization: Bearer <DORMOUSE_API_TOKEN>")
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
