import Foundation
import HTTPTypes
import Lifecycle
import LifecycleTestKit
import Registry
import TestSupport
import Testing

@testable import DormouseClient

/// The lazy-worker story through the API: a dispatch starts the worker, the idle timer stops it, both are
/// counted and audited, and the counters survive a restart but not a delete.
@Suite("Lazy lifecycle through the API")
struct LifecycleAPITests {
    static let agent = """
        {"name": "w1", "mode": "container", "container": {"image": "busybox"}, "idle_timeout_s": 30,
         "dispatch": {"type": "exec", "argv": ["worker"]}}
        """

    static func counters(_ client: APIClient, _ name: String = "w1") async throws -> [Int?] {
        let counters = try await client.get("/agents/\(name)").json["state"]["lifecycle_metrics"]["counters"]
        return SQLiteAuditLog.eventTypes.map { counters[$0].int }
    }

    @Test func countsAuditsAndKeepsAcrossARestartButNotADelete() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dormouse-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let runtime = InMemoryContainerRuntime(images: ["busybox"])
        let app = TestApp(runtime: runtime, databasePath: folder.appendingPathComponent("dormouse.sqlite").path)
        try await app.run { client in
            try await client.post("/agents", Self.agent)
            try await client.post("/agents/w1/tasks?wait=true", #"{"payload": 1}"#)
            #expect(try await client.get("/agents/w1").json["state"]["lifecycle_state"].string == "running")
            let idleDeadline = app.clock.now.advanced(by: .seconds(30))
            await app.clock.waitForSleeper(until: idleDeadline)
            app.clock.advance(by: .seconds(30))
            await app.recorder.waitFor(2)
            let agent = try await client.get("/agents/w1").json
            #expect(agent["state"]["lifecycle_state"].string == "stopped")
            #expect(try await Self.counters(client) == [1, 0, 1, 0, 0, 0, 0, 0])
            #expect(agent["state"]["lifecycle_metrics"]["last_event"]["type"].string == "lazy_stop")
            #expect(agent["state"]["lifecycle_metrics"]["last_event"]["detail"]["idle_seconds"].double == 30)

            let events = try await client.get("/agents/w1/events").json
            #expect(events["events"].array.map { $0["type"].string } == ["lazy_start", "lazy_stop"])
            #expect(events["events"][0]["detail"]["latency_ms"].double != nil)
            #expect(events["events"][1]["detail"]["idle_seconds"].double == 30)
            let firstID = try #require(events["events"][0]["id"].int)
            let after = try await client.get("/agents/w1/events?after_id=\(firstID)&limit=10").json
            #expect(after["events"].array.map { $0["type"].string } == ["lazy_stop"])
            #expect(after["next_after_id"] == events["events"][1]["id"])
        }
        #expect(runtime.stopCount == 1)

        let restarted = TestApp(runtime: runtime, databasePath: app.databasePath)
        try await restarted.run { client in
            #expect(try await Self.counters(client) == [1, 0, 1, 0, 0, 0, 0, 0])
            #expect(try await client.get("/agents/w1/events").json["events"].array.count == 2)
            #expect(try await client.send(.delete, "/agents/w1").status == .noContent)
            try await client.post("/agents", Self.agent)
            #expect(try await Self.counters(client) == [0, 0, 0, 0, 0, 0, 0, 0])
            #expect(try await client.get("/agents/w1/events").json["events"].array.isEmpty)
            #expect(try await client.get("/agents/w1/tasks").json["tasks"].array.isEmpty)
        }

        try await TestApp(runtime: runtime, databasePath: app.databasePath).run { client in
            let counters = try await Self.counters(client)
            #expect(counters == [0, 0, 0, 0, 0, 0, 0, 0])
        }
    }

    @Test func aFailedStartIsCountedAndTheTaskFails() async throws {
        let runtime = InMemoryContainerRuntime(images: [])
        try await TestApp(runtime: runtime).run { client in
            try await client.post("/agents", Self.agent)
            let task = try await client.post("/agents/w1/tasks?wait=true", #"{"payload": 1}"#).json
            #expect(task["status"].string == "failed")
            #expect(task["error"].string?.isEmpty == false)
            #expect(try await Self.counters(client) == [0, 1, 0, 0, 0, 0, 0, 0])
            let last = try await client.get("/agents/w1").json["state"]["lifecycle_metrics"]["last_event"]
            #expect(last["type"].string == "lazy_start_failed")
            #expect(last["detail"]["error"].string == task["error"].string)
        }
    }

    @Test func metricsExposeCountersLatencyTasksAndQueues() async throws {
        try await TestApp().run { client in
            try await client.post("/agents", Self.agent)
            try await client.post("/agents/w1/tasks?wait=true", #"{"payload": 1}"#)
            let metrics = try await client.get("/metrics")
            #expect(metrics.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            let text = metrics.text
            #expect(text.contains(#"dormouse_lifecycle_events_total{agent="w1",type="lazy_start"} 1"#))
            #expect(text.contains("# TYPE dormouse_start_latency_seconds histogram"))
            #expect(text.contains("dormouse_start_latency_seconds_count 1"))
            #expect(text.contains(#"dormouse_tasks_finished_total{agent="w1",status="succeeded"} 1"#))
            #expect(text.contains(#"dormouse_queue_depth{agent="w1"} 0"#))
        }
    }

    /// Dormouse's own time per task leaves out what was the worker's: a start held for 30 s (test clock) is not
    /// counted for the task that waited on it, nor is the 30 s the next task waited in the queue behind it.
    @Test func theOverheadHistogramLeavesOutTheStartAndTheQueue() async throws {
        let runtime = InMemoryContainerRuntime(images: ["busybox"])
        let gate = runtime.holdStarts()
        let app = TestApp(runtime: runtime)
        try await app.run { client in
            try await client.post("/agents", Self.agent)
            let first = try await client.post("/agents/w1/tasks", #"{"payload": 1}"#)
            await gate.waitForWaiters(1)
            let second = try await client.post("/agents/w1/tasks", #"{"payload": 2}"#)
            #expect(second.json["status"].string == "queued")
            app.clock.advance(by: .seconds(30))
            gate.open()
            let ids = [first, second].compactMap { $0.json["id"].string }
            try await waitUntil {
                var statuses: [String?] = []
                for id in ids { statuses.append(try await client.get("/tasks/\(id)").json["status"].string) }
                return statuses == ["succeeded", "succeeded"]
            }
            try await waitUntil {
                Self.sample("dormouse_task_overhead_seconds_count", in: try await client.get("/metrics").text) == 2
            }
            let text = try await client.get("/metrics").text
            #expect(text.contains("# TYPE dormouse_task_overhead_seconds histogram"))
            #expect(Self.sample("dormouse_task_overhead_seconds_sum", in: text) == 0, "\(text)")
            #expect(Self.sample(#"dormouse_task_overhead_seconds_bucket{le="0.0005"}"#, in: text) == 2)
        }
    }

    /// The value of a sample line of the Prometheus text.
    static func sample(_ series: String, in text: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(series + " ") }
            .flatMap { Double($0.dropFirst(series.count + 1)) }
    }

    @Test func theTokenGuardsEveryRouteButHealth() async throws {
        try await TestApp(token: "s3cret").run { client in
            let missing = try await client.send(.get, "/agents", authorized: false)
            #expect(missing.status == .unauthorized)
            #expect(missing.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            let wrong = try await client.send(
                .get, "/agents", headers: [.authorization: "Bearer s3creT"], authorized: false)
            #expect(wrong.status == .unauthorized)
            #expect(try await client.send(.get, "/metrics", authorized: false).status == .unauthorized)
            #expect(try await client.get("/agents").status == .ok)
        }
    }

    @Test func tasksSentWhileTheContainerIsReplacedWaitForTheNewOneAndAreNotLost() async throws {
        let runtime = InMemoryContainerRuntime(images: ["busybox"])
        try await TestApp(runtime: runtime).run { client in
            try await client.post("/agents", Self.agent)
            let first = try await client.post("/agents/w1/tasks?wait=true", #"{"payload": "a"}"#).json
            #expect(first["output"].string == "a")
            let old = try #require(runtime.container("dormouse-w1")?.id)
            let gate = runtime.holdRemoves()
            async let patched = client.sendConcurrently(
                "PATCH", "/agents/w1", #"{"container": {"env": {"A": "2"}}}"#)
            await gate.waitForWaiters(1)

            // Mid-change: tasks are taken and wait; a second container change is refused.
            async let queued = client.postConcurrently("/agents/w1/tasks?wait=true", #"{"payload": "b"}"#)
            // Each look is a request, which paces the loop; the task is listed once it is admitted.
            try await waitUntil { try await client.get("/agents/w1/tasks").json["tasks"].array.count >= 2 }
            let second = try await client.send(.patch, "/agents/w1", json: #"{"container": {"env": {"A": "3"}}}"#)
            #expect(second.status == .conflict)
            #expect(second.json["detail"].string?.contains("being changed") == true)
            // A change that keeps the container goes through, and does not let the task onto the old one.
            #expect(try await client.send(.patch, "/agents/w1", json: #"{"max_queue": 50}"#).status == .ok)

            gate.open()
            #expect(try await patched.status == .ok)
            let task = try await queued.json
            #expect(task["status"].string == "succeeded" && task["output"].string == "b", "\(task)")
            let replacement = try #require(runtime.container("dormouse-w1"))
            #expect(replacement.id != old && runtime.container(old) == nil)
        }
    }
}
