import Foundation
import HTTPTypes
import Lifecycle
import Registry
import TestSupport
import Testing

@testable import DormouseClient

/// Swarm service agents through the API, against the real single-node swarm `scripts/bootstrap.sh` makes of the
/// test engine: a wake is a scale 0 → 1, an idle stop a scale to 0, a task is exec'd into the service's task.
/// Real time: Swarm has no task events, so a wake polls the tasks on the app's clock.
@Suite(
    "Swarm agents against the real swarm", .enabled { await SwarmFixture.enabled() }, .serialized, .tags(.docker),
    .outsideUnitLane, .timeLimit(.minutes(3)))
struct DockerSwarmAgentTests {
    static func created(_ name: String, idle: Int = 1, extra: String = "") -> String {
        """
        {"name": "\(name)", "mode": "container", "idle_timeout_s": \(idle)\(extra),
         "swarm": {"image": "\(DockerFixture.image)", "command": ["sleep", "3600"]},
         "dispatch": {"type": "exec", "argv": ["sh", "-c", "echo \\"hello $DORMOUSE_PAYLOAD\\""]}}
        """
    }

    static func borrowed(_ name: String, service: String, idle: Int = 300) -> String {
        """
        {"name": "\(name)", "mode": "container", "idle_timeout_s": \(idle), "swarm": {"service": "\(service)"},
         "dispatch": {"type": "exec", "argv": ["sh", "-c", "echo borrowed"]}}
        """
    }

    static func counters(_ client: APIClient, _ name: String) async throws -> [Int?] {
        let counters = try await client.get("/agents/\(name)").json["state"]["lifecycle_metrics"]["counters"]
        return SQLiteAuditLog.eventTypes.map { counters[$0].int }
    }

    @Test func aDispatchScalesTheServiceUpItIdlesBackToZeroAndDeleteRemovesIt() async throws {
        let agent = "swarm-\(UInt32.random(in: 0...UInt32.max))"
        let service = "dormouse-\(agent)"
        try await SwarmFixture.withServices { services in
            try await SwarmFixture.removing([service], on: services) {
                let app = TestApp(runtime: services.engine, realTime: true)
                try await app.run { client in
                    #expect(try await client.post("/agents", Self.created(agent)).status == .created)
                    let task = try await client.post("/agents/\(agent)/tasks?wait=true", #"{"payload": "swarm"}"#).json
                    #expect(task["status"].string == "succeeded", "\(task)")
                    #expect(task["output"].string == "hello swarm\n")
                    #expect(task["cold_start"] == .bool(true))
                    let created = try await services.inspect(service)
                    #expect(created.labels[ContainerLabels.agent] == agent)

                    let events = await app.recorder.waitFor(2)
                    #expect(events.map(\.type) == ["lazy_start", "lazy_stop"])
                    #expect(try await services.inspect(service).replicas == 0)
                    #expect(try await services.runningTask(of: service) == nil)
                    #expect(try await Self.counters(client, agent) == [1, 0, 1, 0, 0, 0, 0, 0])

                    #expect(try await client.send(.delete, "/agents/\(agent)").status == .noContent)
                    await #expect(throws: ContainerRuntimeError.self) { try await services.inspect(service) }
                }
            }
        }
    }

    @Test func twentyConcurrentDispatchesScaleTheServiceUpOnce() async throws {
        let agent = "swarm-\(UInt32.random(in: 0...UInt32.max))"
        let service = "dormouse-\(agent)"
        try await SwarmFixture.withServices { services in
            try await SwarmFixture.removing([service], on: services) {
                try await TestApp(runtime: services.engine, realTime: true).run { client in
                    let definition = Self.created(agent, idle: 300, extra: #", "max_concurrency": 32"#)
                    #expect(try await client.post("/agents", definition).status == .created)
                    let outputs = try await withThrowingTaskGroup(of: String?.self) { group in
                        for index in 0..<20 {
                            group.addTask {
                                let task = try await client.postConcurrently(
                                    "/agents/\(agent)/tasks?wait=true", #"{"payload": "\#(index)"}"#
                                ).json
                                return task["output"].string ?? "\(task["status"]): \(task["error"])"
                            }
                        }
                        return try await group.reduce(into: Set<String?>()) { $0.insert($1) }
                    }
                    #expect(outputs == Set((0..<20).map { "hello \($0)\n" }))
                    #expect(try await Self.counters(client, agent) == [1, 0, 0, 0, 0, 0, 0, 0])
                    // One scale-up: one task was ever made.
                    #expect(try await services.tasks(of: service).count == 1)
                }
            }
        }
    }

    @Test func scalesByAnOperatorAreNoticedAndRecorded() async throws {
        let service = SwarmFixture.uniqueName("scaled")
        try await SwarmFixture.withServices { services in
            try await SwarmFixture.removing([service], on: services) {
                _ = try await services.create(rawSpec: SwarmFixture.operatorSpec(name: service, replicas: 0))
                let app = TestApp(runtime: services.engine, realTime: true)
                try await app.run { client in
                    #expect(try await client.post("/agents", Self.borrowed("ops", service: service)).status == .created)
                    try await services.scale(service, to: 1)
                    let started = await app.recorder.waitFor(1)
                    #expect(started.map(\.type) == ["lazy_start"])
                    #expect(started.first?.trigger == .reconcile)
                    try await services.scale(service, to: 0)
                    let stopped = await app.recorder.waitFor(2)
                    #expect(stopped.map(\.type) == ["lazy_start", "lazy_stop"])
                    #expect(stopped.last?.trigger == .reconcile)
                }
            }
        }
    }

    @Test func anOperatorsServiceWithoutTheLabelIsNeverTouched() async throws {
        let service = SwarmFixture.uniqueName("theirs")
        try await SwarmFixture.withServices { services in
            try await SwarmFixture.removing([service], on: services) {
                _ = try await services.create(
                    rawSpec: SwarmFixture.operatorSpec(name: service, replicas: 0, optedIn: false))
                let before = try await services.inspect(service)
                try await TestApp(runtime: services.engine, realTime: true).run { client in
                    let refused = try await client.post("/agents", Self.borrowed("theirs", service: service))
                    #expect(refused.status == .unprocessableContent)
                    #expect(refused.json["errors"][0]["field"].string == "swarm.service")
                    #expect(refused.json["errors"][0]["message"].string?.contains(ContainerLabels.enable) == true)
                    let missing = try await client.post("/agents", Self.borrowed("none", service: service + "-gone"))
                    #expect(missing.status == .unprocessableContent)
                    #expect(missing.json["errors"][0]["message"].string?.contains("no service named") == true)
                }
                let after = try await services.inspect(service)
                #expect(after.version == before.version && after.replicas == 0)
            }
        }
    }

    /// Swarm 20.10 makes no task for every other scale 0 → 1 of a service whose restart policy is `none`: the wake
    /// scales such a service again, so every dispatch runs.
    @Test func aServiceWithRestartPolicyNoneWakesEveryTime() async throws {
        let service = SwarmFixture.uniqueName("none")
        try await SwarmFixture.withServices { services in
            var spec = try #require(
                JSONSerialization.jsonObject(with: SwarmFixture.operatorSpec(name: service, replicas: 0))
                    as? [String: Any])
            var template = spec["TaskTemplate"] as? [String: Any] ?? [:]
            template["RestartPolicy"] = ["Condition": "none"]
            spec["TaskTemplate"] = template
            _ = try await services.create(rawSpec: try JSONSerialization.data(withJSONObject: spec))
            try await SwarmFixture.removing([service], on: services) {
                let app = TestApp(runtime: services.engine, realTime: true)
                try await app.run { client in
                    #expect(
                        try await client.post("/agents", Self.borrowed("none", service: service, idle: 1)).status
                            == .created)
                    for round in 1...3 {
                        let task = try await client.post("/agents/none/tasks?wait=true", #"{"payload": 1}"#).json
                        #expect(task["status"].string == "succeeded", "round \(round): \(task)")
                        #expect(task["cold_start"] == .bool(true))
                        await app.recorder.waitFor(2 * round)
                    }
                    #expect(try await Self.counters(client, "none") == [3, 0, 3, 0, 0, 0, 0, 0])
                }
            }
        }
    }
}
