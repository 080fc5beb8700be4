import AsyncHTTPClient
import NIOCore
import NIOSSL

/// How Dormouse reaches one Kubernetes API server: its URL, the bearer token it presents and the CA its
/// certificate must chain to. Built from the in-cluster service account (`inCluster(...)`) or a kubeconfig
/// (`kubeconfig(...)`); only token authentication is supported (no client certificates, exec plugins or
/// auth providers).
package struct KubernetesConnection: Sendable, Hashable {
    /// `https://host:port` (or `http://` for a test server), without a trailing slash.
    package var server: String
    /// The bearer token sent with every request; nil sends none.
    package var token: String?
    /// The PEM of the CA the server's certificate must chain to; nil trusts the system's roots.
    package var certificateAuthorityPEM: String?
    /// Skips certificate verification (kubeconfig `insecure-skip-tls-verify`).
    package var skipsTLSVerification: Bool
    /// The namespace of the context (or the pod's own in a cluster), used when an agent names none.
    package var namespace: String

    package init(
        server: String, token: String?, certificateAuthorityPEM: String? = nil, skipsTLSVerification: Bool = false,
        namespace: String = "default"
    ) {
        self.server = server.hasSuffix("/") ? String(server.dropLast()) : server
        self.token = token
        self.certificateAuthorityPEM = certificateAuthorityPEM
        self.skipsTLSVerification = skipsTLSVerification
        self.namespace = namespace
    }

    /// An HTTP client for the API server: no read timeout (a watch idles between events; the server ends it at
    /// `timeoutSeconds`), no retried connects (a server that is down is reported at once). Throws NIOSSL's error
    /// for a malformed CA.
    package func makeHTTPClient() throws -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        if server.hasPrefix("https://") {
            var tls = TLSConfiguration.makeClientConfiguration()
            if let certificateAuthorityPEM {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(certificateAuthorityPEM.utf8)))
            }
            if skipsTLSVerification { tls.certificateVerification = .none }
            configuration.tlsConfiguration = tls
        }
        configuration.timeout = .init(connect: .seconds(5), read: nil)
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }
}
