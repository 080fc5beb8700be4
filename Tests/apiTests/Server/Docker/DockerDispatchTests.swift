import Foundation
import HTTPTypes
import Lifecycle
import Registry
import TestSupport
import Testing

@testable import DormouseClient

/// The whole story against the real engine: a lazy agent on the test image, exec dispatch, idle stop,
/// counters and audit rows, a restart, delete and re-create, and 50 concurrent dispatches.
@Suite(
    "Dispatch against the real engine", .enabled(if: DockerFixture.enabled), .serialized, .tags(.docker),
    .outsideUnitLane)
struct DockerDispatchTests {
    static func agent(_ name: String, container: String, extra: String = "") -> String {
        """
        {"name": "\(name)", "mode": "container", "idle_timeout_s": 1\(extra),
         "container": {"name": "\(container)", "image": "\(DockerFixture.image)", "command": ["sleep", "3600"]},
         "dispatch": {"type": "exec", "argv": ["sh", "-c", "echo \\"hello $DORMOUSE_PAYLOAD\\""]}}
        """
    }

    static func counters(_ client: APIClient, _ name: String) async throws -> [Int?] {
        let counters = try await client.get("/agents/\(name)").json["state"]["lifecycle_metrics"]["counters"]
        return SQLiteAuditLog.eventTypes.map { counters[$0].int }
    }

    /// On the real engine and in real time, Dormouse's own time per task (`/metrics`) leaves out the cold start and
    /// the exec: a task that wakes its worker and runs for half a second is counted at a small part of that.
    @Test func theOverheadHistogramCountsOnlyDormousesOwnTime() async throws {
        let container = DockerFixture.uniqueName("overhead")
        try await DockerFixture.withRuntime { runtime in
            try await DockerFixture.removing([container], on: runtime) {
                let app = TestApp(runtime: runtime, realTime: true)
                try await app.run { client in
                    let agent = """
                        {"name": "slow", "mode": "container", "idle_timeout_s": 60,
                         "container": {"name": "\(container)", "image": "\(DockerFixture.image)",
                                       "command": ["sleep", "3600"]},
                         "dispatch": {"type": "exec", "argv": ["sleep", "0.5"]}}
                        """
                    #expect(try await client.post("/agents", agent).status == .created)
                    let task = try await client.post("/agents/slow/tasks?wait=true", #"{"payload": 1}"#).json
                    #expect(task["status"].string == "succeeded" && task["cold_start"] == .bool(true), "\(task)")
                    var text = ""
                    try await waitUntil {
                        text = try await client.get("/metrics").text
                        return LifecycleAPITests.sample("dormouse_task_overhead_seconds_count", in: text) == 1
                    }
                    let own = try #require(LifecycleAPITests.sample("dormouse_task_overhead_seconds_sum", in: text))
                    #expect(own > 0 && own < 0.4, "Dormouse's own time \(own) s of a task over 0.5 s")
                }
            }
        }
    }

    @Test func execDispatchIdleStopRestartAndRecreate() async throws {
        let container = DockerFixture.uniqueName("api")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dormouse-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try await DockerFixture.withRuntime { runtime in
            try await DockerFixture.removing([container], on: runtime) {
                // Real time, so the start latency is the engine's; the idle stop is awaited as an event.
                let app = TestApp(
                    runtime: runtime, databasePath: folder.appendingPathComponent("d.sqlite").path, realTime: true)
                try await app.run { client in
                    #expect(try await client.post("/agents", Self.agent("w1", container: container)).status == .created)
                    let task = try await client.post("/agents/w1/tasks?wait=true", #"{"payload": "world"}"#).json
                    #expect(task["status"].string == "succeeded")
                    #expect(task["output"].string == "hello world\n")
                    #expect(task["cold_start"] == .bool(true))

                    await app.recorder.waitFor(2)
                    #expect(try await !runtime.inspect(container).isRunning)
                    #expect(try await Self.counters(client, "w1") == [1, 0, 1, 0, 0, 0, 0, 0])
                    let events = try await client.get("/agents/w1/events").json["events"].array
                    #expect(events.count == 2)
                    #expect(events[0]["detail"]["latency_ms"].double ?? 0 > 0)
                    #expect(events[1]["detail"]["idle_seconds"].double ?? 0 >= 1)
                }
                try await TestApp(runtime: runtime, databasePath: app.databasePath).run { client in
                    #expect(try await Self.counters(client, "w1") == [1, 0, 1, 0, 0, 0, 0, 0])
                    #expect(try await client.get("/agents/w1/events").json["events"].array.count == 2)
                    #expect(try await client.send(.delete, "/agents/w1").status == .noContent)
                    try await client.post("/agents", Self.agent("w1", container: container))
                    #expect(try await Self.counters(client, "w1") == [0, 0, 0, 0, 0, 0, 0, 0])
                }
            }
        }
    }

    @Test func fiftyConcurrentDispatchesStartTheContainerOnce() async throws {
        let container = DockerFixture.uniqueName("fifty")
        try await DockerFixture.withRuntime { runtime in
            try await DockerFixture.removing([container], on: runtime) {
                try await TestApp(runtime: runtime).run { client in
                    // The test clock holds the idle timer, so the worker cannot idle out between the dispatches.
                    let agent = Self.agent("many", container: container, extra: #", "max_concurrency": 64"#)
                    #expect(try await client.post("/agents", agent).status == .created)
                    let outputs = try await withThrowingTaskGroup(of: String?.self) { group in
                        for index in 0..<50 {
                            group.addTask {
                                let task = try await client.postConcurrently(
                                    "/agents/many/tasks?wait=true", #"{"payload": "\#(index)"}"#
                                ).json
                                return task["output"].string ?? "\(task["status"]): \(task["error"])"
                            }
                        }
                        return try await group.reduce(into: Set<String?>()) { $0.insert($1) }
                    }
                    #expect(outputs == Set((0..<50).map { "hello \($0)\n" }))
                    #expect(try await Self.counters(client, "many") == [1, 0, 0, 0, 0, 0, 0, 0])
                }
            }
        }
    }

    @Test func aChangedContainerIsRecreatedAndDeleteRemovesWhatDormouseCreated() async throws {
        let created = DockerFixture.uniqueName("env")
        let operators = DockerFixture.uniqueName("op")
        let agent = """
            {"name": "greeter", "mode": "container", "container": {"name": "\(created)",
             "image": "\(DockerFixture.image)", "command": ["sleep", "3600"], "env": {"GREETING": "one"}},
             "dispatch": {"type": "exec", "argv": ["sh", "-c", "echo $GREETING"]}}
            """
        let operated = """
            {"name": "borrowed", "mode": "container", "container": {"name": "\(operators)"},
             "dispatch": {"type": "exec", "argv": ["true"]}}
            """
        try await DockerFixture.withRuntime { runtime in
            try await DockerFixture.removing([created, operators], on: runtime) {
                _ = try await runtime.create(
                    ContainerSpec(
                        name: operators, image: DockerFixture.image, command: ["sleep", "3600"],
                        labels: [ContainerLabels.enable: "true"]))
                try await TestApp(runtime: runtime).run { client in
                    #expect(try await client.post("/agents", agent).status == .created)
                    var task = try await client.post("/agents/greeter/tasks?wait=true", #"{"payload": 1}"#).json
                    #expect(task["output"].string == "one\n", "\(task["error"])")
                    let first = try await runtime.inspect(created)
                    #expect(first.isRunning)

                    // A new environment needs a new container: the old one goes now, the next task creates it.
                    let patch = #"{"container": {"env": {"GREETING": "two"}}}"#
                    #expect(try await client.send(.patch, "/agents/greeter", json: patch).status == .ok)
                    await #expect(throws: ContainerRuntimeError.self) { try await runtime.inspect(first.id) }
                    task = try await client.post("/agents/greeter/tasks?wait=true", #"{"payload": 2}"#).json
                    #expect(task["output"].string == "two\n", "\(task["error"])")
                    #expect(task["cold_start"] == .bool(true))
                    let second = try await runtime.inspect(created)
                    #expect(second.id != first.id)
                    #expect(second.labels[ContainerLabels.spec] != first.labels[ContainerLabels.spec])

                    // A change that leaves the container as it is (the idle timeout) keeps it running.
                    let keep = #"{"idle_timeout_s": 600}"#
                    #expect(try await client.send(.patch, "/agents/greeter", json: keep).status == .ok)
                    #expect(try await runtime.inspect(created).id == second.id)

                    #expect(try await client.send(.delete, "/agents/greeter").status == .noContent)
                    await #expect(throws: ContainerRuntimeError.self) { try await runtime.inspect(created) }

                    // The operator's own container outlives its agent.
                    #expect(try await client.post("/agents", operated).status == .created)
                    task = try await client.post("/agents/borrowed/tasks?wait=true", #"{"payload": 3}"#).json
                    #expect(task["status"].string == "succeeded", "\(task["error"])")
                    #expect(try await client.send(.delete, "/agents/borrowed").status == .noContent)
                    #expect(try await runtime.inspect(operators).isRunning)
                }
            }
        }
    }

    @Test func httpDispatchPostsThePayloadToTheContainer() async throws {
        let container = DockerFixture.uniqueName("http")
        // busybox httpd with a CGI script that answers with the request body (CRLF headers: NIO's parser
        // refuses bare LF).
        let script = #"""
            mkdir -p /www/cgi-bin && cd /www/cgi-bin && echo '#!/bin/sh' > task \
            && echo 'printf "Content-Type: text/plain\r\n\r\n"' >> task \
            && echo 'echo "got $(head -c $CONTENT_LENGTH)"' >> task && chmod +x task
            """#
        let serve = "\(script) && exec httpd -f -p 8080 -h /www"
        let agent = """
            {"name": "web", "mode": "container", "container": {"name": "\(container)",
             "image": "\(DockerFixture.image)", "command": ["sh", "-c", \(try Self.jsonString(serve))]},
             "dispatch": {"type": "http", "port": 8080, "path": "/cgi-bin/task"}}
            """
        try await DockerFixture.withRuntime { runtime in
            try await DockerFixture.removing([container], on: runtime) {
                try await TestApp(runtime: runtime).run { client in
                    #expect(try await client.post("/agents", agent).status == .created)
                    let task = try await client.post("/agents/web/tasks?wait=true", #"{"payload": {"n": 1}}"#).json
                    #expect(task["status"].string == "succeeded")
                    #expect(task["http_status"].int == 200, "\(task["error"])")
                    #expect(task["output"].string == #"got {"n":1}"# + "\n")
                    #expect(task["cold_start"] == .bool(true))
                }
            }
        }
    }

    static func jsonString(_ string: String) throws -> String {
        String(decoding: try JSONEncoder().encode(string), as: UTF8.self)
    }
}
