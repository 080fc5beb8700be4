import Hummingbird

/// The middleware every request passes, outermost first: the request log; the `Host` check (421, before
/// anything else answers, `/health` included); CORS for configured origins only; problem+json for every
/// error below; the `Origin` check (403); the method check (405); authentication (401, 403 for a read-only
/// token on a write); the body's media type (415, before it is read).
func addEdgeMiddleware(
    to router: Router<some RequestContext>, _ configuration: ServerConfiguration, allowedHosts: AllowedHosts,
    streamTokens: StreamTokens
) throws {
    let routes = try RouteTable.load()
    router.addMiddleware {
        RequestLogMiddleware()
        HostCheckMiddleware(allowedHosts: allowedHosts)
    }
    if !configuration.corsOrigins.isEmpty {
        router.add(middleware: CORSOriginsMiddleware(origins: configuration.corsOrigins))
    }
    router.addMiddleware {
        ProblemMiddleware()
        OriginCheckMiddleware(allowedHosts: allowedHosts, corsOrigins: configuration.corsOrigins)
        MethodCheckMiddleware(routes: routes)
        BearerAuthMiddleware(
            token: configuration.apiToken, readToken: configuration.readToken, streamTokens: streamTokens)
        ContentTypeMiddleware(routes: routes)
    }
}
