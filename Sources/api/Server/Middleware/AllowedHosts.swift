import Synchronization

/// The names the server answers as, for the `Host` check (421 otherwise) and the `Origin` check (403): its
/// bind address, `localhost`, `127.0.0.1` and `[::1]` with the listening port (the real one once bound, when
/// the configured port is 0), plus the operator's `DORMOUSE_ALLOWED_HOSTS`. A wildcard bind (`0.0.0.0`,
/// `::`) also answers as the addresses the machine's interfaces had when the server started; `0.0.0.0`
/// itself is never a name it answers as (browsers reach loopback through it).
final class AllowedHosts: Sendable {
    /// Host names and addresses accepted with the listening port only.
    let localNames: Set<String>
    /// The operator's entries: a name without a port matches it on any port.
    let configured: [HostAuthority]
    private let port: Atomic<Int>

    init(bindHost: String, port: Int, configured: [HostAuthority], interfaceAddresses: () -> [String]) {
        var names: Set<String> = ["localhost", "127.0.0.1", "[::1]"]
        let bind = HostAuthority(host: bindHost, port: nil).host
        if Self.wildcards.contains(bind) {
            names.formUnion(interfaceAddresses().compactMap { HostAuthority($0)?.host })
        } else if let authority = HostAuthority(bindHost) {
            names.insert(authority.host)
        }
        names.subtract(Self.wildcards)
        self.localNames = names
        self.configured = configured
        self.port = Atomic(port)
    }

    /// The set for `configuration`; a wildcard bind reads the interfaces' addresses now.
    convenience init(_ configuration: ServerConfiguration) {
        self.init(
            bindHost: configuration.host, port: configuration.port, configured: configuration.allowedHosts,
            interfaceAddresses: InterfaceAddresses.current)
    }

    /// Bind addresses meaning "every interface".
    static let wildcards: Set<String> = ["0.0.0.0", "::", "[::]", "*"]

    /// The port the server listens on; set once the server is bound (the configured one until then).
    var listeningPort: Int {
        get { port.load(ordering: .relaxed) }
        set { port.store(newValue, ordering: .relaxed) }
    }

    /// Whether the server answers as `authority`, whose port is already resolved (see `withDefaultPort`).
    func allows(_ authority: HostAuthority) -> Bool {
        let port = authority.port ?? 80
        if configured.contains(where: { $0.host == authority.host && ($0.port == nil || $0.port == port) }) {
            return true
        }
        return port == listeningPort && localNames.contains(authority.host)
    }

    /// Whether a URL's `host` (an IPv6 address with or without brackets) and `port` reach this server: a name it
    /// answers as, or any loopback or wildcard address, with the listening port (a webhook there would post to
    /// the server itself).
    func reaches(host: String, port: Int) -> Bool {
        var bare = host.lowercased()
        if bare.hasPrefix("[") && bare.hasSuffix("]") { bare = String(bare.dropFirst().dropLast()) }
        let local = ServerConfiguration.isLoopback(bare) || Self.wildcards.contains(bare)
        if local && port == listeningPort { return true }
        return allows(HostAuthority(host: bare.contains(":") ? "[\(bare)]" : bare, port: port))
    }

    /// Whether `origin` (`scheme://authority`, as a browser sends it) is one of the server's own origins.
    func allowsOrigin(_ origin: String) -> Bool {
        let parts = origin.split(separator: "://", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return false }
        let scheme = parts[0].lowercased()
        guard scheme == "http" || scheme == "https", let authority = HostAuthority(parts[1]) else { return false }
        return allows(authority.withDefaultPort(for: scheme))
    }
}
