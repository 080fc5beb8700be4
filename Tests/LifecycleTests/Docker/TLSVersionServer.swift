import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import TestSupport

/// A tiny HTTPS server that requires a client certificate from its CA and answers every request with a Podman
/// `GET /version` document; its certificates are made with `openssl` when the test runs.
struct TLSVersionServer {
    /// The files `openssl` made: a CA, a server certificate for 127.0.0.1, a client certificate from the CA, and
    /// one from another CA (which the server refuses), each client folder with the CA as `ca.pem`.
    struct Certificates {
        let folder: URL
        var client: String { folder.appendingPathComponent("client").path }
        var stranger: String { folder.appendingPathComponent("stranger").path }
        var ca: String { folder.appendingPathComponent("client/ca.pem").path }
        var serverCertificate: String { folder.appendingPathComponent("server.pem").path }
        var serverKey: String { folder.appendingPathComponent("server-key.pem").path }
    }

    static let script = """
        set -e
        mkdir -p client stranger
        key() { openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$1" -out "$2" -subj "/CN=$3" 2>/dev/null; }
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca-key.pem \
          -out client/ca.pem -days 1 -subj /CN=test-ca 2>/dev/null
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout other-key.pem \
          -out other-ca.pem -days 1 -subj /CN=other-ca 2>/dev/null
        cp client/ca.pem stranger/ca.pem
        printf 'subjectAltName=IP:127.0.0.1\\nextendedKeyUsage=serverAuth\\n' > server.ext
        printf 'extendedKeyUsage=clientAuth\\n' > client.ext
        key server-key.pem server.csr 127.0.0.1
        openssl x509 -req -in server.csr -CA client/ca.pem -CAkey ca-key.pem -CAcreateserial -out server.pem \
          -days 1 -extfile server.ext 2>/dev/null
        key client/key.pem client.csr dormouse
        openssl x509 -req -in client.csr -CA client/ca.pem -CAkey ca-key.pem -CAcreateserial -out client/cert.pem \
          -days 1 -extfile client.ext 2>/dev/null
        key stranger/key.pem stranger.csr dormouse
        openssl x509 -req -in stranger.csr -CA other-ca.pem -CAkey other-key.pem -CAcreateserial \
          -out stranger/cert.pem -days 1 -extfile client.ext 2>/dev/null
        """

    /// Makes the certificates in a new temporary folder.
    static func makeCertificates() async throws -> Certificates {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        process.currentDirectoryURL = folder
        try process.run()
        await process.waitForExit()
        guard process.terminationStatus == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "openssl failed"])
        }
        return Certificates(folder: folder)
    }

    let channel: any Channel
    var port: Int { channel.localAddress?.port ?? 0 }

    /// Listens on 127.0.0.1, a free port.
    static func start(_ certificates: Certificates) async throws -> TLSVersionServer {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certificates.serverCertificate).map {
                .certificate($0)
            },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: certificates.serverKey, format: .pem)))
        configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(certificates.ca))
        configuration.certificateVerification = .noHostnameVerification
        let context = try NIOSSLContext(configuration: configuration)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(VersionHandler())
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return TLSVersionServer(channel: channel)
    }

    func stop() async throws {
        try await channel.close()
    }
}

/// Answers every request with a Podman version document.
private final class VersionHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    static let body = #"{"ApiVersion":"1.41","Version":"4.9.3","Components":[{"Name":"Podman Engine"}]}"#

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .end = unwrapInboundIn(data) else { return }
        var head = HTTPResponseHead(version: .http1_1, status: .ok)
        head.headers.add(name: "Content-Type", value: "application/json")
        head.headers.add(name: "Content-Length", value: "\(Self.body.utf8.count)")
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: Self.body)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}
