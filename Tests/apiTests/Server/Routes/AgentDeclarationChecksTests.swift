import Foundation
import HTTPTypes
import Lifecycle
import LifecycleTestKit
import Registry
import TestSupport
import Testing

/// What a declaration is checked for before anything is stored, and the statuses an operator start answers
/// when the engine fails it (all of them in the OpenAPI document: the client checks every answer against it).
@Suite("Declaration checks and engine failures through the API")
struct AgentDeclarationChecksTests {
    static func agent(image: String) -> String {
        """
        {"name": "w1", "mode": "container", "container": {"image": "\(image)"},
         "dispatch": {"type": "exec", "argv": ["worker"]}}
        """
    }

    @Test(arguments: ["UPPER/Case", "a b", ":tag", "x@sha256:short", "busybox:", "-busybox", "a//b", ""])
    func anInvalidImageReferenceIsRefusedNamingTheField(image: String) async throws {
        try await TestApp().run { client in
            let reply = try await client.post("/agents", Self.agent(image: image))
            #expect(reply.status == .unprocessableContent)
            #expect(reply.json["errors"].array.map { $0["field"].string } == ["container.image"])
            #expect(try await client.get("/agents").json["agents"].array.isEmpty)
        }
    }

    @Test func anOperatorStartTheEngineRefusesAnswers502() async throws {
        let runtime = InMemoryContainerRuntime(images: ["busybox"])
        try await TestApp(runtime: runtime).run { client in
            try await client.post("/agents", Self.agent(image: "busybox"))
            runtime.fail("create", with: .engine(status: 500, message: "the engine broke"))
            let reply = try await client.post("/agents/w1/start")
            #expect(reply.status == .badGateway)
            #expect(reply.json["detail"].string == "the engine broke")
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func anOperatorStartThatNeverBecomesReadyAnswers504() async throws {
        let runtime = InMemoryContainerRuntime(images: ["busybox"])
        runtime.setEmitsStartEvents(false)
        let app = TestApp(runtime: runtime)
        try await app.run { client in
            try await client.post("/agents", Self.agent(image: "busybox"))
            async let reply = client.post("/agents/w1/start")
            let timeout = app.clock.now.advanced(by: .seconds(60))
            await app.clock.waitForSleeper(until: timeout)
            app.clock.advance(by: .seconds(60))
            #expect(try await reply.status == .gatewayTimeout)
        }
    }
}
