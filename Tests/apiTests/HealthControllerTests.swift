import Foundation
import Hummingbird
import HummingbirdTesting
import Lifecycle
import Logging
import Testing

@testable import api

@Suite("GET /health")
struct HealthControllerTests {
    static let logger: Logger = {
        var logger = Logger(label: "api-test")
        logger.logLevel = .error
        return logger
    }()

    static func app(_ runtime: InMemoryContainerRuntime) -> some ApplicationProtocol {
        var configuration = ServerConfiguration()
        configuration.port = 0
        return buildApplication(configuration: configuration, runtime: runtime, logger: logger)
    }

    @Test func reportsAReachableEngine() async throws {
        try await Self.app(InMemoryContainerRuntime()).test(.live) { client in
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                #expect(response.headers[.cacheControl] == "no-store")
                let health = try JSONDecoder().decode(
                    HealthController.Health.self, from: Data(response.body.readableBytesView))
                #expect(health.status == "ok")
                #expect(health.engine.reachable)
                #expect(health.engine.version == "in-memory engine")
            }
        }
    }

    @Test func reportsAnEngineThatIsDownWithoutFailing() async throws {
        let runtime = InMemoryContainerRuntime()
        runtime.stopEngine()
        try await Self.app(runtime).test(.live) { client in
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
        try await Self.app(InMemoryContainerRuntime()).test(.live) { client in
            try await client.execute(uri: "/nope", method: .get) { response in
                #expect(response.status == .notFound)
            }
        }
    }
}
