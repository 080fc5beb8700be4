import Lifecycle

/// One engine of `DORMOUSE_ENGINES`: its name, where it answers, and its TLS files when it has them.
package struct EngineDefinition: Sendable, Hashable {
    package var name: String
    /// Spoken to over HTTPS when `tls` is set.
    package var endpoint: DockerEndpoint
    package var tls: DockerTLSFiles?

    package init(name: String, endpoint: DockerEndpoint, tls: DockerTLSFiles? = nil) {
        self.name = name
        self.endpoint = tls == nil ? endpoint : endpoint.withTLS()
        self.tls = tls
    }

    /// Plain TCP to an address that is not this machine's (refused unless `--insecure`).
    var isPlainRemoteTCP: Bool {
        guard tls == nil, let host = endpoint.tcpHost else { return false }
        return !ServerConfiguration.isLoopback(host)
    }
}
