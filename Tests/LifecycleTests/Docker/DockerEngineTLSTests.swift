import AsyncHTTPClient
import Foundation
import Lifecycle
import Logging
import Testing

/// A `tcp://` engine behind TLS: a real handshake with a client certificate against a server that requires
/// one, and a clear error naming the engine when the server refuses the certificate.
@Suite("Docker engine over TLS")
struct DockerEngineTLSTests {
    static func runtime(port: Int, files: String) throws -> (DockerEngineRuntime, HTTPClient) {
        let endpoint = try #require(DockerEndpoint(dockerHost: "tcp://127.0.0.1:\(port)")).withTLS()
        let client = try DockerEngineRuntime.makeHTTPClient(tls: DockerTLSFiles(folder: files))
        return (
            DockerEngineRuntime(endpoint: endpoint, client: client, name: "edge", logger: Logger(label: "tls")), client
        )
    }

    static func describe(_ runtime: DockerEngineRuntime) async -> Result<EngineDescription, any Error> {
        do {
            return .success(try await runtime.describe())
        } catch {
            return .failure(error)
        }
    }

    @Test func aClientCertificateFromTheCAIsAcceptedAndTheKindIsRead() async throws {
        let certificates = try await TLSVersionServer.makeCertificates()
        defer { try? FileManager.default.removeItem(at: certificates.folder) }
        let server = try await TLSVersionServer.start(certificates)
        let (runtime, client) = try Self.runtime(port: server.port, files: certificates.client)
        let described = await Self.describe(runtime)
        try await client.shutdown()
        try await server.stop()
        let description = try described.get()
        #expect(description.kind == "Podman")
        #expect(description.version == "4.9.3, API 1.41")
    }

    @Test func aRefusedCertificateIsAnErrorNamingTheEngine() async throws {
        let certificates = try await TLSVersionServer.makeCertificates()
        defer { try? FileManager.default.removeItem(at: certificates.folder) }
        let server = try await TLSVersionServer.start(certificates)
        let (runtime, client) = try Self.runtime(port: server.port, files: certificates.stranger)
        let described = await Self.describe(runtime)
        try await client.shutdown()
        try await server.stop()
        let error = #expect(throws: ContainerRuntimeError.self) { try described.get() }
        #expect(error?.isEngineUnavailable == true)
        #expect(error?.message.contains("engine \"edge\" at") == true)
    }
}
