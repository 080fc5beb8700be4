import Foundation
import Hummingbird
import HummingbirdTesting
import Lifecycle
import Logging
import Registry
import Testing

@testable import api

@Suite("GET /health")
struct HealthControllerTests {
    static let logger: Logger = {
        var logger = Logger(label: "api-test")
        logger.logLevel = .error
        return logger
    }()

    /// Runs `body` against the app on port 0 with a database file in a temporary folder.
    static func withApp(
        _ runtime: InMemoryContainerRuntime, _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dormouse-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        var configuration = ServerConfiguration()
        configuration.port = 0
        configuration.databasePath = folder.appendingPathComponent("dormouse.sqlite").path
        let database = try DormouseDatabase.open(path: configuration.databasePath)
        let app = buildApplication(configuration: configuration, runtime: runtime, database: database, logger: logger)
        try await app.test(.live, body)
    }

    @Test func reportsAReachableEngine() async throws {
        try await Self.withApp(InMemoryContainerRuntime()) { client in
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                #expect(response.headers[.cacheControl] == "no-store")
                let health = try JSONDecoder().decode(
                    HealthController.Health.self, from: Data(response.body.readableBytesView))
                #expect(health.status == "ok")
                #expect(health.engine.reachable)
                #expect(health.engine.version == "in-memory engine")
                #expect(health.database == .init(ok: true))
            }
        }
    }

    @Test func reportsAnEngineThatIsDownWithoutFailing() async throws {
        let runtime = InMemoryContainerRuntime()
        runtime.stopEngine()
        try await Self.withApp(runtime) { client in
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
                let health = try JSONDecoder().decode(
                    HealthController.Health.self, from: Data(response.body.readableBytesView))
                #expect(health.status == "degraded")
                #expect(!health.engine.reachable)
                #expect(health.engine.error?.contains("engine is down") == true)
            }
        }
    }

    @Test func unknownRoutesAre404() async throws {
        try await Self.withApp(InMemoryContainerRuntime()) { client in
            try await client.execute(uri: "/nope", method: .get) { response in
                #expect(response.status == .notFound)
            }
        }
    }
}
