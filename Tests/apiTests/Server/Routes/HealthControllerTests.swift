import Foundation
import HTTPTypes
import Lifecycle
import LifecycleTestKit
import Testing

@testable import Server

@Suite("GET /health")
struct HealthControllerTests {
    @Test func reportsAReachableEngine() async throws {
        try await TestApp().run { client in
            let reply = try await client.get("/health")
            #expect(reply.status == .ok)
            #expect(reply.headers[.contentType]?.hasPrefix("application/json") == true)
            #expect(reply.headers[.cacheControl] == "no-store")
            let health = try JSONDecoder().decode(HealthController.Health.self, from: reply.body)
            #expect(health.status == "ok")
            #expect(health.engine.reachable)
            #expect(health.engine.version == "in-memory engine")
            #expect(health.database == .init(ok: true))
        }
    }

    @Test func reportsAnEngineThatIsDownWithoutFailing() async throws {
        let runtime = InMemoryContainerRuntime()
        runtime.stopEngine()
        try await TestApp(runtime: runtime).run { client in
            let reply = try await client.get("/health")
            #expect(reply.status == .ok)
            let health = try JSONDecoder().decode(HealthController.Health.self, from: reply.body)
            #expect(health.status == "degraded")
            #expect(!health.engine.reachable)
            #expect(health.engine.error?.contains("engine is down") == true)
        }
    }

    @Test func needsNoTokenEvenWhenOneIsSet() async throws {
        try await TestApp(token: "s3cret").run { client in
            let reply = try await client.send(.get, "/health", authorized: false)
            #expect(reply.status == .ok)
        }
    }

    @Test func servesTheOpenAPIDocumentOfTheRepository() async throws {
        try await TestApp().run { client in
            let reply = try await client.get("/openapi.json")
            #expect(reply.status == .ok)
            #expect(reply.body == (try Data(contentsOf: OpenAPIValidator.documentURL)))
        }
    }

    @Test func unknownRoutesAreProblem404s() async throws {
        try await TestApp().run { client in
            let reply = try await client.send(.get, "/nope", validate: false)
            #expect(reply.status == .notFound)
            #expect(reply.headers[.contentType] == "application/problem+json")
            #expect(reply.json["status"].int == 404)
        }
    }
}
