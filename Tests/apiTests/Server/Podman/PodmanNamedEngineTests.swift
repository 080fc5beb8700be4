import AsyncHTTPClient
import Foundation
import HTTPTypes
import Lifecycle
import Registry
import TestSupport
import Testing

@testable import CLI
@testable import Server

/// Podman as a named engine of `DORMOUSE_ENGINES` beside dockerd (`local`), built the way `serve` builds it from
/// its environment: an agent on it starts, runs its exec and idles out through Podman's own event monitor, and
/// `/health` reports the engine's kind as Podman, read from its `GET /version`.
@Suite(
    "Podman as a named engine", .enabled(if: DockerFixture.enabled && PodmanFixture.enabled), .serialized,
    .tags(.docker), .outsideUnitLane)
struct PodmanNamedEngineTests {
    @Test func anAgentOnAPodmanEngineStartsExecsAndIdlesOut() async throws {
        let configuration = try ServerConfiguration.fromEnvironment([
            "DORMOUSE_ENGINES": "pod=\(PodmanFixture.host)"
        ])
        #expect(configuration.engines.map(\.name) == ["pod"])
        let container = DockerFixture.uniqueName("pod")
        try await DockerFixture.withRuntime { local in
            let client = DockerEngineRuntime.makeHTTPClient()
            let (runtimes, _) = try await ServeCommand.engineRuntimes(
                configuration, client: client, logger: DockerFixture.logger)
            let pod = try #require(runtimes["pod"] as? DockerEngineRuntime)
            try await DockerEnginesTests.shuttingDown(client) {
                try await DockerFixture.removing([container], on: pod) {
                    let app = TestApp(runtime: local, engines: ["pod": pod], realTime: true)
                    try await app.run { api in
                        let agent = DockerEnginesTests.agent("p1", container: container, engine: "pod")
                        #expect(try await api.post("/agents", agent).status == .created)
                        let task = try await api.post("/agents/p1/tasks?wait=true", #"{"payload": "pod"}"#).json
                        #expect(task["status"].string == "succeeded")
                        #expect(task["output"].string == "hello pod\n")
                        // The idle stop is confirmed by the die event that Podman's monitor delivers (its filter
                        // says `died`: on `die` Podman sends nothing).
                        await app.recorder.waitFor(2)
                        #expect(app.recorder.types == ["lazy_start", "lazy_stop"])
                        #expect(try await !pod.inspect(container).isRunning)
                        // On Podman only: dockerd has never heard of it.
                        await #expect { try await local.inspect(container) } throws: {
                            ($0 as? ContainerRuntimeError)?.isNotFound == true
                        }

                        let health = try await api.get("/health").json
                        #expect(health["engines"]["pod"]["kind"].string == "Podman")
                        #expect(health["engines"]["pod"]["reachable"] == .bool(true))
                        #expect(health["engines"]["pod"]["events_connected"] == .bool(true))
                        #expect(health["engines"]["local"]["kind"].string == "Docker")
                        #expect(health["status"].string == "ok")
                    }
                }
            }
        }
    }
}
