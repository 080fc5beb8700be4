import Foundation
import HTTPTypes
import Lifecycle
import LifecycleTestKit
import Registry
import TestSupport
import Testing

/// Several engines through the API, on in-memory runtimes: an agent runs on the engine it names, an unknown
/// engine is refused, an engine that is down fails only its own agents, and `/health` reports each engine.
@Suite("Several engines through the API")
struct SeveralEnginesAPITests {
    static func agent(_ name: String, engine: String? = nil) -> String {
        let engineField = engine.map { #", "engine": "\#($0)""# } ?? ""
        return """
            {"name": "\(name)", "mode": "container", "container": {"image": "busybox"}\(engineField),
             "dispatch": {"type": "exec", "argv": ["worker"]}}
            """
    }

    @Test func anAgentRunsOnTheEngineItNames() async throws {
        let local = InMemoryContainerRuntime(images: ["busybox"])
        let edge = InMemoryContainerRuntime(images: ["busybox"])
        try await TestApp(runtime: local, engines: ["edge": edge]).run { client in
            let created = try await client.post("/agents", Self.agent("w1", engine: "edge"))
            #expect(created.status == .created)
            #expect(created.json["engine"].string == "edge")
            let task = try await client.post("/agents/w1/tasks?wait=true", #"{"payload": "x"}"#).json
            #expect(task["status"].string == "succeeded")
            #expect(try await edge.inspect("dormouse-w1").isRunning)
            await #expect(throws: ContainerRuntimeError.self) { try await local.inspect("dormouse-w1") }
        }
    }

    @Test func anAgentWithoutEngineIsStoredWithoutTheField() async throws {
        try await TestApp().run { client in
            let created = try await client.post("/agents", Self.agent("w1"))
            #expect(created.status == .created)
            #expect(created.json["engine"] == .null)
            #expect(!created.text.contains("\"engine\""))
        }
    }

    @Test func anUnknownEngineIsRefusedNamingTheKnownOnes() async throws {
        let edge = InMemoryContainerRuntime(images: ["busybox"])
        try await TestApp(engines: ["edge": edge]).run { client in
            let reply = try await client.post("/agents", Self.agent("w1", engine: "nowhere"))
            #expect(reply.status == .unprocessableContent)
            #expect(reply.json["errors"].array.map { $0["field"].string } == ["engine"])
            #expect(reply.json["detail"].string?.contains("known engines: edge, local") == true)
            try await client.post("/agents", Self.agent("w1"))
            let patch = try await client.send(.patch, "/agents/w1", json: #"{"engine": "nowhere"}"#)
            #expect(patch.status == .unprocessableContent)
        }
    }

    @Test func anEngineThatIsDownFailsOnlyItsAgents() async throws {
        let local = InMemoryContainerRuntime(images: ["busybox"])
        let edge = InMemoryContainerRuntime(images: ["busybox"])
        try await TestApp(runtime: local, engines: ["edge": edge]).run { client in
            try await client.post("/agents", Self.agent("on-edge", engine: "edge"))
            try await client.post("/agents", Self.agent("on-local"))
            edge.stopEngine()
            let refused = try await client.post("/agents/on-edge/tasks", #"{"payload": "x"}"#)
            #expect(refused.status == .serviceUnavailable)
            #expect(refused.headers[.retryAfter] == "5")
            #expect(refused.json["detail"].string?.contains("\"edge\"") == true)
            let task = try await client.post("/agents/on-local/tasks?wait=true", #"{"payload": "x"}"#).json
            #expect(task["status"].string == "succeeded")

            let health = try await client.get("/health").json
            #expect(health["status"].string == "degraded")
            #expect(health["engine"]["reachable"] == .bool(true))
            #expect(health["engines"]["local"]["reachable"] == .bool(true))
            #expect(health["engines"]["edge"]["reachable"] == .bool(false))
            #expect(health["engines"]["edge"]["error"].string?.contains("engine is down") == true)
        }
    }

    @Test func aStoredAgentWhoseEngineIsGoneIsListedAndItsDispatchesAre503() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dormouse-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("d.sqlite").path
        let edge = InMemoryContainerRuntime(images: ["busybox"])
        try await TestApp(engines: ["edge": edge], databasePath: path).run { client in
            let created = try await client.post("/agents", Self.agent("w1", engine: "edge"))
            #expect(created.status == .created)
        }
        try await TestApp(databasePath: path).run { client in
            let listed = try await client.get("/agents").json["agents"].array
            #expect(listed.map { $0["engine"].string } == ["edge"])
            let reply = try await client.post("/agents/w1/tasks", #"{"payload": "x"}"#)
            #expect(reply.status == .serviceUnavailable)
            #expect(reply.headers[.retryAfter] != nil)
            #expect(reply.json["detail"].string?.contains("not configured") == true)
        }
    }

    @Test func aSwarmAgentIsStoredAndShownButNotRunYet() async throws {
        try await TestApp().run { client in
            let body = """
                {"name": "s1", "mode": "container", "swarm": {"service": "web"},
                 "dispatch": {"type": "exec", "argv": ["worker"]}}
                """
            let created = try await client.post("/agents", body)
            #expect(created.status == .created)
            #expect(created.json["swarm"]["service"].string == "web")
            #expect(created.json["container"] == .null)
            let both = """
                {"name": "s2", "mode": "container", "swarm": {"service": "web", "image": "busybox"},
                 "container": {"image": "busybox"}, "dispatch": {"type": "exec", "argv": ["worker"]}}
                """
            let refused = try await client.send(.post, "/agents", json: both, validate: false)
            #expect(refused.status == .unprocessableContent)
            #expect(Set(refused.json["errors"].array.map { $0["field"].string }) == ["swarm"])
            #expect(try await client.post("/agents/s1/tasks", #"{"payload": "x"}"#).status == .conflict)
        }
    }
}
