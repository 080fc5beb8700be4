import AsyncHTTPClient
import NIOCore
import NIOSSL

/// The TLS files of a `tcp://` engine (the `DOCKER_CERT_PATH` convention: `ca.pem`, `cert.pem`, `key.pem` in one
/// folder): the engine's certificate must chain to `ca.pem`, and Dormouse presents `cert.pem` with `key.pem`.
package struct DockerTLSFiles: Sendable, Hashable {
    package var caPath: String
    package var certificatePath: String
    package var keyPath: String

    package init(caPath: String, certificatePath: String, keyPath: String) {
        self.caPath = caPath
        self.certificatePath = certificatePath
        self.keyPath = keyPath
    }

    /// The three files in `folder`.
    package init(folder: String) {
        let base = folder.hasSuffix("/") ? String(folder.dropLast()) : folder
        self.init(caPath: "\(base)/ca.pem", certificatePath: "\(base)/cert.pem", keyPath: "\(base)/key.pem")
    }

    /// A client configuration that trusts only `ca.pem` and presents the client certificate. Reads the files;
    /// an unreadable or malformed one throws NIOSSL's error.
    package func clientConfiguration() throws -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caPath))
        configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(certificatePath).map { .certificate($0) }
        configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: keyPath, format: .pem))
        configuration.certificateVerification = .fullVerification
        return configuration
    }
}

extension DockerEngineRuntime {
    /// An HTTP client for an engine behind TLS, configured as `makeHTTPClient()` and with `tls`.
    package static func makeHTTPClient(tls: DockerTLSFiles) throws -> HTTPClient {
        var configuration = HTTPClient.Configuration(tlsConfiguration: try tls.clientConfiguration())
        configuration.timeout = .init(connect: .seconds(5), read: nil)
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }
}
