import Hummingbird

/// Answers 421 to a request whose `Host` is not a name the server answers as (`AllowedHosts`), `/health`
/// included: a DNS-rebinding page reaches the server under its own name, and this is where it stops.
struct HostCheckMiddleware<Context: RequestContext>: RouterMiddleware {
    let allowedHosts: AllowedHosts

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard let host = request.head.authority, let authority = HostAuthority(host),
            allowedHosts.allows(authority.withDefaultPort())
        else {
            throw Problem(
                .misdirectedRequest, "misdirected",
                "this server does not answer as the Host this request names; add it to DORMOUSE_ALLOWED_HOSTS")
        }
        return try await next(request, context)
    }
}
