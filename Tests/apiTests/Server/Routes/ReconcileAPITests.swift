import Foundation
import HTTPTypes
import Lifecycle
import LifecycleTestKit
import Registry
import TestSupport
import Testing

@testable import DormouseClient

/// A transition a kill cut short, found at boot: the database holds one side of it, the engine the other, and
/// exactly one `reconcile` row pairs the counters up.
@Suite("Reconciling at boot through the API", .timeLimit(.minutes(1)))
struct ReconcileAPITests {
    static let agent = """
        {"name": "w1", "mode": "container", "container": {"name": "worker"}, "idle_timeout_s": 30,
         "dispatch": {"type": "exec", "argv": ["worker"]}}
        """

    static func events(_ client: APIClient) async throws -> [(type: String?, trigger: String?)] {
        try await client.get("/agents/w1/events").json["events"].array.map {
            ($0["type"].string, $0["detail"]["trigger"].string)
        }
    }

    @Test func aStopCutShortByAKillIsRecordedOnceAtBoot() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dormouse-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let runtime = InMemoryContainerRuntime()
        runtime.addContainer(name: "worker")
        let app = TestApp(runtime: runtime, databasePath: folder.appendingPathComponent("d.sqlite").path)
        try await app.run { client in
            try await client.post("/agents", Self.agent)
            try await client.post("/agents/w1/tasks?wait=true", #"{"payload": 1}"#)
            await app.recorder.waitFor(1)
        }
        // Dormouse died as it stopped the worker: the engine stopped it, the database never heard.
        try await runtime.stop("worker", timeout: .zero)

        let restarted = TestApp(runtime: runtime, databasePath: app.databasePath)
        try await restarted.run { client in
            let reconciled = await restarted.recorder.waitFor(1)
            #expect(reconciled.map(\.type) == ["lazy_stop"])
            #expect(reconciled.map(\.trigger) == [.reconcile])
            let events = try await Self.events(client)
            #expect(events.map(\.type) == ["lazy_start", "lazy_stop"])
            #expect(events.map(\.trigger) == ["dispatch", "reconcile"])
            #expect(try await LifecycleAPITests.counters(client) == [1, 0, 1, 0, 0, 0, 0, 0])
            #expect(try await client.get("/agents/w1").json["state"]["lifecycle_state"].string == "stopped")
        }
    }

    @Test func aStartCutShortByAKillIsRecordedAtBootAndIdlesOut() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dormouse-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let runtime = InMemoryContainerRuntime()
        runtime.addContainer(name: "worker")
        let app = TestApp(runtime: runtime, databasePath: folder.appendingPathComponent("d.sqlite").path)
        try await app.run { client in
            let declared = try await client.post("/agents", Self.agent)
            #expect(declared.status == .created)
        }
        // Dormouse died as it started the worker: the engine started it, the database never heard.
        try await runtime.start("worker")

        let restarted = TestApp(runtime: runtime, databasePath: app.databasePath)
        try await restarted.run { client in
            let reconciled = await restarted.recorder.waitFor(1)
            #expect(reconciled.map(\.type) == ["lazy_start"])
            #expect(reconciled.map(\.trigger) == [.reconcile])
            // Adopted as after a start: the idle timer stops it.
            let idleDeadline = restarted.clock.now.advanced(by: .seconds(30))
            await restarted.clock.waitForSleeper(until: idleDeadline)
            restarted.clock.advance(by: .seconds(30))
            await restarted.recorder.waitFor(2)
            let events = try await Self.events(client)
            #expect(events.map(\.type) == ["lazy_start", "lazy_stop"])
            #expect(events.map(\.trigger) == ["reconcile", "idle"])
            #expect(try await LifecycleAPITests.counters(client) == [1, 0, 1, 0, 0, 0, 0, 0])
            #expect(runtime.container("worker")?.isRunning == false)
        }
    }
}
