import AsyncHTTPClient
import Foundation
import HTTPTypes
import Lifecycle
import Registry
import TestSupport
import Testing

@testable import DormouseClient

/// Named engines against the real engine: "edge" is the local socket under another name, with its own runtime
/// and event monitor; "gone" is a socket that does not exist.
@Suite(
    "Several engines against the real engine", .enabled(if: DockerFixture.enabled), .serialized, .tags(.docker),
    .outsideUnitLane)
struct DockerEnginesTests {
    static func agent(_ name: String, container: String, engine: String?) -> String {
        let engineField = engine.map { #", "engine": "\#($0)""# } ?? ""
        return """
            {"name": "\(name)", "mode": "container", "idle_timeout_s": 1\(engineField),
             "container": {"name": "\(container)", "image": "\(DockerFixture.image)", "command": ["sleep", "3600"]},
             "dispatch": {"type": "exec", "argv": ["sh", "-c", "echo \\"hello $DORMOUSE_PAYLOAD\\""]}}
            """
    }

    @Test func anAgentOnANamedEngineStartsExecsAndIdlesOutThroughIt() async throws {
        let container = DockerFixture.uniqueName("edge")
        let local = DockerFixture.uniqueName("local")
        try await DockerFixture.withRuntime { runtime in
            let engineClient = DockerEngineRuntime.makeHTTPClient()
            let edge = DockerEngineRuntime(
                endpoint: DockerFixture.endpoint, client: engineClient, name: "edge", logger: DockerFixture.logger)
            let gone = DockerEngineRuntime(
                endpoint: try #require(DockerEndpoint(dockerHost: "unix:///nonexistent/docker.sock")),
                client: engineClient, name: "gone", logger: DockerFixture.logger)
            try await Self.shuttingDown(engineClient) {
                try await DockerFixture.removing([container, local], on: runtime) {
                    let app = TestApp(runtime: runtime, engines: ["edge": edge, "gone": gone], realTime: true)
                    try await app.run { client in
                        #expect(
                            try await client.post("/agents", Self.agent("e1", container: container, engine: "edge"))
                                .status
                                == .created)
                        let task = try await client.post("/agents/e1/tasks?wait=true", #"{"payload": "edge"}"#).json
                        #expect(task["status"].string == "succeeded")
                        #expect(task["output"].string == "hello edge\n")
                        // The idle stop is confirmed by the stop event that edge's own monitor delivers.
                        await app.recorder.waitFor(2)
                        #expect(try await !runtime.inspect(container).isRunning)

                        try await client.post("/agents", Self.agent("g1", container: "unused-gone", engine: "gone"))
                        let refused = try await client.post("/agents/g1/tasks", #"{"payload": "x"}"#)
                        #expect(refused.status == .serviceUnavailable)
                        #expect(refused.headers[.retryAfter] == "5")
                        #expect(refused.json["detail"].string?.contains("\"gone\"") == true)

                        try await client.post("/agents", Self.agent("l1", container: local, engine: nil))
                        let localTask = try await client.post("/agents/l1/tasks?wait=true", #"{"payload": "local"}"#)
                            .json
                        #expect(localTask["output"].string == "hello local\n")

                        let health = try await client.get("/health").json
                        #expect(health["status"].string == "degraded")
                        #expect(health["engines"]["edge"]["reachable"] == .bool(true))
                        #expect(health["engines"]["edge"]["kind"].string == "Docker")
                        #expect(health["engines"]["edge"]["events_connected"] == .bool(true))
                        #expect(health["engines"]["gone"]["reachable"] == .bool(false))
                        #expect(health["engines"]["gone"]["error"].string?.contains("\"gone\"") == true)
                        #expect(health["engine"]["reachable"] == .bool(true))
                    }
                }
            }
        }
    }

    /// Runs `body`, then shuts the client down (awaited, also when `body` throws).
    static func shuttingDown(_ client: HTTPClient, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }
}
