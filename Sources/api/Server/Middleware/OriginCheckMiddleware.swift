import HTTPTypes
import Hummingbird

/// Refuses (403) a state-changing request a browser sent from another site: an `Origin` that is neither the
/// server's own (`http://` or `https://` an allowed host) nor a configured CORS origin, `Origin: null`, or
/// `Sec-Fetch-Site: cross-site` without such an origin. Requests without these headers (curl, the CLI)
/// pass; reads pass too (CORS decides whether a page may see their answer).
struct OriginCheckMiddleware<Context: RequestContext>: RouterMiddleware {
    let allowedHosts: AllowedHosts
    let corsOrigins: Set<String>

    init(allowedHosts: AllowedHosts, corsOrigins: [String]) {
        self.allowedHosts = allowedHosts
        self.corsOrigins = Set(corsOrigins.map(\.normalizedOrigin))
    }

    /// Methods that only read.
    static var safeMethods: Set<HTTPRequest.Method> { [.get, .head, .options, .trace] }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard !Self.safeMethods.contains(request.method) else { return try await next(request, context) }
        let origin = request.headers[.origin]
        if let origin, corsOrigins.contains(origin.normalizedOrigin) {
            return try await next(request, context)
        }
        if let origin, !allowedHosts.allowsOrigin(origin) {
            throw Problem(
                .forbidden, "cross-origin",
                "a request from a page on another origin cannot change anything here; list it in DORMOUSE_CORS_ORIGINS"
            )
        }
        if request.headers[.secFetchSite]?.lowercased() == "cross-site" {
            throw Problem(.forbidden, "cross-origin", "a cross-site request cannot change anything here")
        }
        return try await next(request, context)
    }
}

extension HTTPField.Name {
    /// Where a browser says the request comes from, relative to the target (Fetch Metadata).
    static var secFetchSite: Self { Self("Sec-Fetch-Site")! }
}
