import Foundation
import HTTPTypes
import Lifecycle
import LifecycleTestKit
import Registry
import TestSupport
import Testing

@testable import DormouseClient
@testable import Server

/// The warm tier through the API, on the in-memory engine and the test clock: an idle worker is paused at
/// `pause_after_s`, the next task thaws it (no cold start), and its counters, audit rows, metrics and state say so,
/// also after a restart.
@Suite("The warm tier through the API", .timeLimit(.minutes(1)))
struct WarmTierAPITests {
    static let agent = """
        {"name": "w1", "mode": "container", "container": {"image": "busybox"}, "idle_timeout_s": 60,
         "pause_after_s": 10, "dispatch": {"type": "exec", "argv": ["worker"]}}
        """

    /// Lets the idle worker reach its pause (10 s after its last task, on the test clock) and waits until the API
    /// shows it paused; `events` is how many lifecycle events there are then.
    static func idleToPause(_ app: TestApp, _ client: APIClient, events: Int) async throws {
        let pauseAt = app.clock.now.advanced(by: .seconds(10))
        await app.clock.waitForSleeper(until: pauseAt)
        app.clock.advance(by: .seconds(10))
        await app.recorder.waitFor(events)
        // The event is published before the phase changes: ask until the state reads paused.
        try await waitUntil { try await state(client) == "paused" }
    }

    static func state(_ client: APIClient) async throws -> String? {
        try await client.get("/agents/w1").json["state"]["lifecycle_state"].string
    }

    static func history(_ client: APIClient) async throws -> [JSONValue] {
        try await client.get("/agents/w1/events").json["events"].array
    }

    @Test func anIdleWorkerIsPausedAndTheNextTaskResumesIt() async throws {
        let runtime = InMemoryContainerRuntime(images: ["busybox"])
        let app = TestApp(runtime: runtime)
        try await app.run { client in
            try await client.post("/agents", Self.agent)
            let first = try await client.post("/agents/w1/tasks?wait=true", #"{"payload": "a"}"#).json
            #expect(first["cold_start"] == .bool(true) && first["resumed"] == .bool(false), "\(first)")

            try await Self.idleToPause(app, client, events: 2)
            #expect(runtime.container("dormouse-w1")?.isPaused == true)
            #expect(runtime.stopCount == 0)

            let second = try await client.post("/agents/w1/tasks?wait=true", #"{"payload": "b"}"#).json
            #expect(second["status"].string == "succeeded" && second["output"].string == "b", "\(second)")
            #expect(second["cold_start"] == .bool(false))
            #expect(second["resumed"] == .bool(true))
            #expect(second["wake_ms"].double != nil)
            #expect(runtime.container("dormouse-w1")?.isPaused == false)
            #expect(runtime.startCount == 1)
            let stored = try await client.get("/tasks/\(try #require(second["id"].string))").json
            #expect(stored["resumed"] == .bool(true) && stored["cold_start"] == .bool(false))

            let events = try await Self.history(client)
            #expect(events.map { $0["type"].string } == ["lazy_start", "lazy_pause", "lazy_resume"])
            #expect(events[1]["detail"]["idle_seconds"].double == 10)
            #expect(events[1]["detail"]["trigger"].string == "idle")
            #expect(events[2]["detail"]["latency_ms"].double != nil)
            #expect(events[2]["detail"]["trigger"].string == "dispatch")
            #expect(try await LifecycleAPITests.counters(client) == [1, 0, 0, 0, 1, 0, 1, 0])
            let last = try await client.get("/agents/w1").json["state"]["lifecycle_metrics"]["last_event"]
            #expect(last["type"].string == "lazy_resume")

            let metrics = try await client.get("/metrics").text
            #expect(metrics.contains(#"dormouse_lifecycle_events_total{agent="w1",type="lazy_pause"} 1"#))
            #expect(metrics.contains(#"dormouse_lifecycle_events_total{agent="w1",type="lazy_resume"} 1"#))
            #expect(metrics.contains("# TYPE dormouse_resume_latency_seconds histogram"))
            #expect(LifecycleAPITests.sample("dormouse_resume_latency_seconds_count", in: metrics) == 1)
            #expect(LifecycleAPITests.sample("dormouse_start_latency_seconds_count", in: metrics) == 1)
        }
    }

    /// Restarted with the worker paused: it is adopted as paused, with no transition recorded for it (a paused
    /// worker is not a stopped one, so nothing was cut short), and the next task thaws it.
    @Test func aPausedWorkerIsAdoptedAsPausedAfterARestart() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dormouse-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let runtime = InMemoryContainerRuntime(images: ["busybox"])
        let app = TestApp(runtime: runtime, databasePath: folder.appendingPathComponent("d.sqlite").path)
        try await app.run { client in
            try await client.post("/agents", Self.agent)
            try await client.post("/agents/w1/tasks?wait=true", #"{"payload": "a"}"#)
            try await Self.idleToPause(app, client, events: 2)
        }
        let restarted = TestApp(runtime: runtime, databasePath: app.databasePath)
        try await restarted.run { client in
            try await waitUntil { try await Self.state(client) == "paused" }
            let task = try await client.post("/agents/w1/tasks?wait=true", #"{"payload": "c"}"#).json
            #expect(task["resumed"] == .bool(true) && task["cold_start"] == .bool(false), "\(task)")
            #expect(await restarted.recorder.waitFor(1).map(\.type) == ["lazy_resume"])
            let types = try await Self.history(client).map { $0["type"].string }
            #expect(types == ["lazy_start", "lazy_pause", "lazy_resume"])
            #expect(try await LifecycleAPITests.counters(client) == [1, 0, 0, 0, 1, 0, 1, 0])
            #expect(runtime.startCount == 1)
        }
    }

    /// After a resume, the next pause comes `pause_after_s` after the task that followed it: the idle timer task,
    /// asleep toward the first stop deadline, is replaced when the new pause deadline is earlier than its wake-up.
    @Test func theSecondPauseComesPauseAfterTheTaskThatResumed() async throws {
        let app = TestApp()
        try await app.run { client in
            try await client.post("/agents", Self.agent)
            try await client.post("/agents/w1/tasks?wait=true", #"{"payload": "a"}"#)
            try await Self.idleToPause(app, client, events: 2)
            try await client.post("/agents/w1/tasks?wait=true", #"{"payload": "b"}"#)
            let pauseAt = app.clock.now.advanced(by: .seconds(10))
            await app.clock.waitForSleepers(within: .seconds(3)) { $0.contains(pauseAt) }
        }
    }

    @Test func anOperatorStartThawsAPausedWorker() async throws {
        let app = TestApp()
        try await app.run { client in
            try await client.post("/agents", Self.agent)
            #expect(try await client.post("/agents/w1/start").json["result"].string == "started")
            try await Self.idleToPause(app, client, events: 2)

            let resumed = try await client.post("/agents/w1/start").json
            #expect(resumed["result"].string == "resumed", "\(resumed)")
            #expect(resumed["wake_ms"].double != nil)
            #expect(resumed["lifecycle_state"].string == "running")
            #expect(try await client.post("/agents/w1/start").json["result"].string == "already_running")
            let events = try await Self.history(client)
            #expect(events.last?["type"].string == "lazy_resume")
            #expect(events.last?["detail"]["trigger"].string == "operator")
        }
    }

    /// The resume histogram takes resumes only, in buckets fine enough for a thaw.
    @Test func theResumeHistogramCountsOnlyResumes() async throws {
        let histogram = ResumeLatencyHistogram()
        for kind in [
            LifecycleEvent.Kind.lazyStart(latency: .milliseconds(300)), .lazyResume(latency: .milliseconds(18)),
        ] {
            await histogram.receive(LifecycleEvent(instance: "w1", kind: kind, timestampMilliseconds: 1))
        }
        let reading = histogram.reading
        #expect(reading.count == 1)
        #expect(abs(reading.sum - 0.018) < 1e-9)
        #expect(reading.buckets[try #require(reading.bounds.firstIndex(of: 0.01))] == 0)
        #expect(reading.buckets[try #require(reading.bounds.firstIndex(of: 0.02))] == 1)
    }

    /// A failed thaw is counted and audited with the engine's message, and the task is not reported as resumed
    /// (what the cold start that follows does is the controller's, tested with it).
    @Test func aFailedResumeIsCountedAndAudited() async throws {
        let runtime = InMemoryContainerRuntime(images: ["busybox"])
        let app = TestApp(runtime: runtime)
        try await app.run { client in
            try await client.post("/agents", Self.agent)
            try await client.post("/agents/w1/tasks?wait=true", #"{"payload": "a"}"#)
            try await Self.idleToPause(app, client, events: 2)
            runtime.fail("unpause", with: .conflict("cannot unpause"))

            let task = try await client.post("/agents/w1/tasks?wait=true", #"{"payload": "b"}"#).json
            #expect(task["resumed"] != .bool(true), "\(task)")
            let counters = try await LifecycleAPITests.counters(client)
            #expect(counters[6] == 0 && counters[7] == 1, "\(counters)")
            let failed = try await Self.history(client).first { $0["type"].string == "lazy_resume_failed" }
            #expect(failed?["detail"]["error"].string?.contains("cannot unpause") == true)
            #expect(failed?["detail"]["trigger"].string == "dispatch")
        }
    }
}
