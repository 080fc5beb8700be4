import AsyncHTTPClient
import Foundation
import HTTPTypes
import Lifecycle
import Registry
import TestSupport
import Testing

@testable import DormouseClient
@testable import Server

/// Dormouse across machines, on the namespace cluster `scripts/cluster.sh up` builds: it drives the swarm
/// manager n1 (its socket, as `local`), and reaches n2 (the swarm worker) and n3 (a plain engine) over TCP with
/// TLS as named engines, configured from `DORMOUSE_ENGINES` and `DORMOUSE_ENGINE_CERTS` as `serve` reads them.
@Suite(
    "Dispatch across the namespace cluster", .enabled(if: ClusterFixture.enabled), .serialized, .tags(.docker),
    .outsideUnitLane, .timeLimit(.minutes(3)))
struct ClusterDispatchTests {
    /// The app's engines: n1 as `local`, n2 and n3 by name over TLS; the TLS clients are shut down at the end.
    static func withEngines(
        _ body: (DockerEngineRuntime, [String: any ContainerRuntime], ClusterFixture) async throws -> Void
    ) async throws {
        let cluster = try ClusterFixture.load()
        let definitions = try ServerConfiguration.parseEngines(
            "n2=\(try cluster.value("CLUSTER_N2_TCP")),n3=\(try cluster.value("CLUSTER_N3_TCP"))",
            certificates: try cluster.value("CLUSTER_ENGINE_CERTS"))
        #expect(definitions.allSatisfy { $0.tls != nil })
        let local = DockerEngineRuntime.makeHTTPClient()
        var clients = [local]
        var engines: [String: any ContainerRuntime] = [:]
        let outcome: Result<Void, any Error>
        do {
            for definition in definitions {
                let client = try DockerEngineRuntime.makeHTTPClient(tls: try #require(definition.tls))
                clients.append(client)
                engines[definition.name] = DockerEngineRuntime(
                    endpoint: definition.endpoint, client: client, name: definition.name, logger: TestApp.logger)
            }
            let manager = DockerEngineRuntime(
                endpoint: try #require(DockerEndpoint(dockerHost: try cluster.value("CLUSTER_N1_HOST"))),
                client: local, logger: TestApp.logger)
            try await body(manager, engines, cluster)
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        for client in clients { try? await client.shutdown() }
        try outcome.get()
    }

    @Test func aServiceOnTheWorkerNodeIsWokenRunsTheTaskThereAndIdlesBackToZero() async throws {
        try await Self.withEngines { manager, engines, cluster in
            let services = SwarmServices(engine: manager)
            let service = SwarmFixture.uniqueName("remote")
            let workerNode = try cluster.value("CLUSTER_WORKER_NODE_ID")
            var spec = try #require(
                JSONSerialization.jsonObject(with: SwarmFixture.operatorSpec(name: service, replicas: 0))
                    as? [String: Any])
            var template = spec["TaskTemplate"] as? [String: Any] ?? [:]
            template["Placement"] = ["Constraints": ["node.id==\(workerNode)"]]
            spec["TaskTemplate"] = template
            _ = try await services.create(rawSpec: try JSONSerialization.data(withJSONObject: spec))
            try await SwarmFixture.removing([service], on: services) {
                let app = TestApp(runtime: manager, engines: engines, realTime: true)
                try await app.run { client in
                    let agent = """
                        {"name": "remote", "mode": "container", "idle_timeout_s": 1, "swarm": {"service": "\(service)"},
                         "dispatch": {"type": "exec", "argv": ["sh", "-c", "echo ran on $(hostname)"]}}
                        """
                    #expect(try await client.post("/agents", agent).status == .created)
                    let task = try await client.post("/agents/remote/tasks?wait=true", #"{"payload": 1}"#).json
                    #expect(task["status"].string == "succeeded", "\(task)")
                    #expect(task["cold_start"] == .bool(true))
                    // The task's container is on n2, reached through n2's own engine.
                    let ran = try #require(task["output"].string?.split(separator: " ").last.map(String.init))
                    let containers = try await cluster.docker(.worker).run(["ps", "-q", "--no-trunc"]).lines
                    #expect(containers.contains { $0.hasPrefix(ran.trimmingCharacters(in: .whitespacesAndNewlines)) })
                    let events = await app.recorder.waitFor(2)
                    #expect(events.map(\.type) == ["lazy_start", "lazy_stop"])
                    #expect(try await services.inspect(service).replicas == 0)
                    #expect(try await services.runningTask(of: service) == nil)
                }
            }
        }
    }

    @Test func aContainerAgentOnThePlainEngineRunsOverTLS() async throws {
        try await Self.withEngines { manager, engines, _ in
            let n3 = try #require(engines["n3"] as? DockerEngineRuntime)
            let container = DockerFixture.uniqueName("n3")
            try await DockerFixture.removing([container], on: n3) {
                let app = TestApp(runtime: manager, engines: engines, realTime: true)
                try await app.run { client in
                    let agent = """
                        {"name": "edge", "mode": "container", "engine": "n3", "idle_timeout_s": 1,
                         "container": {"name": "\(container)", "image": "\(DockerFixture.image)",
                                       "command": ["sleep", "3600"]},
                         "dispatch": {"type": "exec", "argv": ["sh", "-c", "echo on n3"]}}
                        """
                    #expect(try await client.post("/agents", agent).status == .created)
                    let task = try await client.post("/agents/edge/tasks?wait=true", #"{"payload": 1}"#).json
                    #expect(task["status"].string == "succeeded", "\(task)")
                    #expect(task["output"].string == "on n3\n")
                    // Created on n3, not on the manager.
                    #expect(try await n3.inspect(container).labels[ContainerLabels.agent] == "edge")
                    await #expect(throws: ContainerRuntimeError.self) { try await manager.inspect(container) }
                    let events = await app.recorder.waitFor(2)
                    #expect(events.map(\.type) == ["lazy_start", "lazy_stop"])
                    let health = try await client.get("/health").json
                    #expect(health["engines"]["n3"]["reachable"] == .bool(true), "\(health)")
                }
            }
        }
    }

    /// The manager's engine goes away while a Swarm agent wakes (the scale-up done, its task still pending): the
    /// wake ends at once as `lazy_start_failed` with the engine's own message, the task fails with it, a dispatch
    /// while it is gone is refused with 503, and an agent on another engine is not disturbed.
    @Test func theManagerVanishingMidWakeFailsOnlyItsAgentWithTheEnginesMessage() async throws {
        try await Self.withEngines { manager, engines, cluster in
            let services = SwarmServices(engine: manager)
            let n3 = try #require(engines["n3"] as? DockerEngineRuntime)
            let service = SwarmFixture.uniqueName("stranded")
            let container = DockerFixture.uniqueName("n3")
            // A constraint no node meets: the scale-up is taken, and its task stays pending until the engine goes.
            _ = try await services.create(
                rawSpec: SwarmFixture.operatorSpec(name: service, replicas: 0, placed: false))
            let socket = String(try cluster.value("CLUSTER_N1_HOST").dropFirst("unix://".count))
            let relay = try await EngineRelay(to: socket)
            let viaRelay = DockerEngineRuntime.makeHTTPClient()
            let outcome: Result<Void, any Error>
            do {
                try await SwarmFixture.removing([service], on: services) {
                    try await DockerFixture.removing([container], on: n3) {
                        let local = DockerEngineRuntime(
                            endpoint: try #require(DockerEndpoint(dockerHost: relay.host)), client: viaRelay,
                            logger: TestApp.logger)
                        let app = TestApp(runtime: local, engines: engines, realTime: true)
                        try await app.run { client in
                            try await Self.strandAWake(
                                service: service, container: container, relay: relay, services: services,
                                app: app, client: client)
                        }
                    }
                }
                outcome = .success(())
            } catch {
                outcome = .failure(error)
            }
            await relay.cut()
            try? await viaRelay.shutdown()
            try outcome.get()
        }
    }

    private static func strandAWake(
        service: String, container: String, relay: EngineRelay, services: SwarmServices, app: TestApp,
        client: APIClient
    ) async throws {
        let stranded = """
            {"name": "stranded", "mode": "container", "start_timeout_s": 120, "swarm": {"service": "\(service)"},
             "dispatch": {"type": "exec", "argv": ["true"]}}
            """
        #expect(try await client.post("/agents", stranded).status == .created)
        let edge = """
            {"name": "edge", "mode": "container", "engine": "n3", "idle_timeout_s": 1,
             "container": {"name": "\(container)", "image": "\(DockerFixture.image)", "command": ["sleep", "3600"]},
             "dispatch": {"type": "exec", "argv": ["sh", "-c", "echo on n3"]}}
            """
        #expect(try await client.post("/agents", edge).status == .created)
        let accepted = try await client.post("/agents/stranded/tasks", #"{"payload": 1}"#)
        #expect(accepted.status == .accepted)
        let id = try #require(accepted.json["id"].string)
        // Read from the manager itself, not through the relay: the wake has scaled the service up.
        try await poll("the wake to scale \(service) up", within: .seconds(30), every: .milliseconds(50)) {
            try await services.inspect(service).replicas == 1
        }
        await relay.cut()

        let failed = await app.recorder.waitFor(1, within: .seconds(30))
        #expect(failed.map(\.type) == ["lazy_start_failed"])
        guard case .lazyStartFailed(let message)? = failed.first?.kind else { return }
        #expect(message.contains("unreachable"), "\(message)")
        var task = JSONValue.null
        try await poll("task \(id) to end", within: .seconds(30), every: .milliseconds(50)) {
            task = try await client.get("/tasks/\(id)").json
            return task["status"].string != "queued" && task["status"].string != "running"
        }
        #expect(task["status"].string == "failed", "\(task)")
        #expect(task["error"].string?.contains("unreachable") == true, "\(task)")

        // While the manager is gone, a dispatch to its agent is refused; the agent on n3 runs as ever.
        let refused = try await client.post("/agents/stranded/tasks", #"{"payload": 2}"#)
        #expect(refused.status == .serviceUnavailable, "\(refused.json)")
        #expect(refused.headers[.retryAfter] != nil)
        let ran = try await client.post("/agents/edge/tasks?wait=true", #"{"payload": 1}"#).json
        #expect(ran["status"].string == "succeeded", "\(ran)")
        #expect(ran["output"].string == "on n3\n")
        let health = try await client.get("/health").json
        #expect(health["engines"]["n3"]["reachable"] == .bool(true), "\(health)")
        #expect(health["engines"]["local"]["reachable"] == .bool(false), "\(health)")
    }

    /// Only a manager answers service calls: a Swarm agent on the worker node's engine is refused when declared.
    @Test func aSwarmAgentOnAWorkerNodesEngineIsRefused() async throws {
        try await Self.withEngines { manager, engines, _ in
            try await TestApp(runtime: manager, engines: engines, realTime: true).run { client in
                let agent = """
                    {"name": "misplaced", "mode": "container", "engine": "n2", "swarm": {"service": "anything"},
                     "dispatch": {"type": "exec", "argv": ["true"]}}
                    """
                let refused = try await client.post("/agents", agent)
                #expect(refused.status == .unprocessableContent)
                #expect(refused.json["errors"][0]["field"].string == "swarm.service")
                #expect(
                    refused.json["errors"][0]["message"].string?.contains("swarm worker") == true, "\(refused.json)")
            }
        }
    }
}
