import Foundation
import GRDB
import HTTPTypes
import Lifecycle
import LifecycleTestKit
import Registry
import TestSupport
import Testing

@testable import DormouseClient
@testable import Server

/// `GET /timeline` and `GET /agents/{name}/timeline` against real audit rows in the server's SQLite file: rows are
/// written at chosen times beside the running server, agents are declared at chosen wall-clock times, and every
/// response is checked against the OpenAPI document.
@Suite("The sleep timeline through the API", .timeLimit(.minutes(1)))
struct TimelineAPITests {
    /// 2026-01-01T00:00:00Z, and minutes after it.
    static let t0: Int64 = 1_767_225_600_000
    static func minute(_ minutes: Int64) -> Int64 { t0 + minutes * 60_000 }

    static func agent(_ name: String, lifecycle: String = "lazy") -> String {
        """
        {"name": "\(name)", "mode": "container", "lifecycle": "\(lifecycle)", "container": {"image": "busybox"},
         "idle_timeout_s": 300, "dispatch": {"type": "exec", "argv": ["worker"]}}
        """
    }

    /// An app on a database file the test can write audit rows into, its wall clock at `t0`.
    static func app() -> (TestApp, SettableWallClock, String) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("timeline-\(UUID().uuidString).sqlite")
            .path
        let wall = SettableWallClock(milliseconds: t0)
        return (TestApp(wallClock: wall.clock, databasePath: path), wall, path)
    }

    /// Writes audit rows as the audit log does: `(instance, type, minute, detail JSON)`.
    static func audit(_ path: String, _ rows: [(String, String, Int64, String)]) throws {
        let database = try DatabasePool(path: path)
        try database.write { db in
            for (instance, type, at, detail) in rows {
                try db.execute(
                    sql: "INSERT INTO lifecycle_events (instance, type, ts, detail_json) VALUES (?, ?, ?, ?)",
                    arguments: [instance, type, minute(at), detail])
            }
        }
        try database.close()
    }

    static func spans(_ agent: JSONValue) -> [String] {
        agent["spans"].array.map { span in
            let from = ((span["from"].int64 ?? 0) - t0) / 60_000
            let to = ((span["to"].int64 ?? 0) - t0) / 60_000
            return "\(span["state"].string ?? "?") \(from)-\(to)"
        }
    }

    @Test func aStopWithoutAStartWasAwakeBeforeAndItsMemoryCountsWhileAsleep() async throws {
        let (app, wall, path) = Self.app()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await app.run { client in
            try await client.post("/agents", Self.agent("w"))
            try Self.audit(
                path,
                [
                    ("w", "lazy_stop", 10, #"{"idle_seconds":300,"trigger":"idle","memory_bytes":104857600}"#),
                    ("w", "lazy_start_failed", 20, #"{"error":"image gone","trigger":"dispatch"}"#),
                ])
            wall.set(Self.minute(60))
            let timeline = try await client.get("/agents/w/timeline").json
            #expect(timeline["since"].int64 == Self.minute(0) && timeline["until"].int64 == Self.minute(60))
            let w = timeline["agents"][0]
            #expect(Self.spans(w) == ["awake 0-10", "asleep 10-60"])
            #expect(w["spans"][0]["began"] == .null)
            #expect(w["spans"][0]["ended"]["type"].string == "lazy_stop")
            #expect(w["spans"][1]["began"]["memory_bytes"].double == 104_857_600)
            #expect(w["spans"][1]["open"] == .bool(true))
            // The failed start changed nothing: it is listed, the worker slept on.
            #expect(w["failures"].array.map { $0["type"].string } == ["lazy_start_failed"])
            #expect(w["failures"][0]["error"].string == "image gone")
            #expect(w["time"]["awake_s"].double == 600 && w["time"]["asleep_s"].double == 3000)
            #expect(abs((w["time"]["share_asleep"].double ?? 0) - 3000.0 / 3600) < 1e-9)
            // 100 MiB not held for 50 minutes.
            #expect(abs((w["time"]["memory_mib_hours_not_held"].double ?? 0) - 100.0 * 50 / 60) < 1e-9)
            #expect(w["wakes"]["cold"]["count"].int == 0 && w["wakes"]["cold"]["p50_ms"] == .null)
        }
    }

    @Test func aWindowStartingInsideAnAwakeSpanKeepsTheEventThatBeganIt() async throws {
        let (app, wall, path) = Self.app()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await app.run { client in
            try await client.post("/agents", Self.agent("w"))
            try Self.audit(
                path,
                [
                    ("w", "lazy_start", 30, #"{"latency_ms":400,"trigger":"dispatch"}"#),
                    ("w", "lazy_stop", 50, #"{"idle_seconds":300,"trigger":"idle"}"#),
                    ("w", "lazy_start", 70, #"{"latency_ms":200,"trigger":"dispatch"}"#),
                ])
            wall.set(Self.minute(90))
            let query = "since=\(Self.minute(40))&until=\(Self.minute(60))"
            let w = try await client.get("/agents/w/timeline?\(query)").json["agents"][0]
            #expect(Self.spans(w) == ["awake 40-50", "asleep 50-60"])
            #expect(w["spans"][0]["began"]["ts"].int64 == Self.minute(30))
            #expect(w["spans"][0]["began"]["latency_ms"].double == 400)
            // The window ends inside the asleep span: its end is the start after the window, and it is not open.
            #expect(w["spans"][1]["ended"]["ts"].int64 == Self.minute(70))
            #expect(w["spans"][1]["open"] == .null)
            // The start before the window is not one of the window's wakes.
            #expect(w["wakes"]["cold"]["count"].int == 0)

            let whole = try await client.get("/agents/w/timeline?since=\(Self.minute(0))").json["agents"][0]
            #expect(Self.spans(whole) == ["asleep 0-30", "awake 30-50", "asleep 50-70", "awake 70-90"])
            #expect(whole["wakes"]["cold"]["count"].int == 2)
            #expect(whole["wakes"]["cold"]["p50_ms"].double == 200)
            #expect(whole["wakes"]["cold"]["p95_ms"].double == 400)
            #expect(whole["wakes"]["recent"].array.map { $0["latency_ms"].double } == [400, 200])
        }
    }

    @Test func anAgentDeletedAndDeclaredAgainStartsAFreshTimeline() async throws {
        let (app, wall, path) = Self.app()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await app.run { client in
            try await client.post("/agents", Self.agent("w"))
            try Self.audit(path, [("w", "lazy_start", 5, #"{"latency_ms":300,"trigger":"dispatch"}"#)])
            wall.set(Self.minute(15))
            #expect(try await client.send(.delete, "/agents/w").status == .noContent)
            wall.set(Self.minute(20))
            try await client.post("/agents", Self.agent("w"))
            wall.set(Self.minute(60))
            let timeline = try await client.get("/timeline?since=\(Self.minute(0))").json
            let w = timeline["agents"][0]
            #expect(w["created_at"].int64 == Self.minute(20))
            // The old agent's start would make it awake; the new one has slept since it was declared.
            #expect(Self.spans(w) == ["asleep 20-60"])
            #expect(w["wakes"]["cold"]["count"].int == 0)
            #expect(timeline["fleet"]["time"]["asleep_s"].double == 2400)
        }
    }

    @Test func stepsSumTheTimeAwakeAndPausedAndCountWakes() async throws {
        let (app, wall, path) = Self.app()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await app.run { client in
            try await client.post("/agents", Self.agent("w"))
            try await client.post("/agents", Self.agent("hot", lifecycle: "hot"))
            try Self.audit(
                path,
                [
                    ("w", "lazy_start", 3, #"{"latency_ms":400,"trigger":"dispatch"}"#),
                    ("w", "lazy_stop", 4, #"{"idle_seconds":60,"trigger":"idle"}"#),
                    ("w", "lazy_start", 31, #"{"latency_ms":500,"trigger":"dispatch"}"#),
                    ("w", "lazy_pause", 45, #"{"idle_seconds":60,"trigger":"idle"}"#),
                    ("w", "lazy_resume", 47, #"{"latency_ms":15,"trigger":"dispatch"}"#),
                    ("w", "lazy_stop", 50, #"{"idle_seconds":60,"trigger":"idle"}"#),
                ])
            wall.set(Self.minute(60))
            let timeline = try await client.get("/timeline?since=\(Self.minute(0))&step_ms=600000").json
            #expect(timeline["step_ms"].int == 600_000)
            let agents = timeline["agents"].array
            #expect(agents.map { $0["name"].string } == ["hot", "w"])
            // A hot worker runs all the time it is declared.
            #expect(agents[0]["steps"]["awake_s"].array.map(\.double) == Array(repeating: 600, count: 6))
            let w = agents[1]
            #expect(w["spans"] == .null)
            // Minutes 3-4 awake; 31-45 awake, 45-47 paused, 47-50 awake.
            #expect(w["steps"]["awake_s"].array.map(\.double) == [60, 0, 0, 540, 480, 0])
            #expect(w["steps"]["paused_s"].array.map(\.double) == [0, 0, 0, 0, 120, 0])
            #expect(w["steps"]["wakes"].array.map(\.int) == [1, 0, 0, 1, 1, 0])
            // Time and wakes stay exact.
            #expect(w["time"]["paused_s"].double == 120 && w["time"]["awake_s"].double == 18 * 60)
            #expect(w["wakes"]["cold"]["count"].int == 2 && w["wakes"]["warm"]["count"].int == 1)
            #expect(w["wakes"]["warm"]["p50_ms"].double == 15)
            #expect(timeline["fleet"]["wakes"]["cold"]["count"].int == 2)
            #expect(timeline["fleet"]["time"]["awake_s"].double == 4_680)
        }
    }

    @Test func aLiveWakeOpensAnAwakeSpan() async throws {
        let app = TestApp()
        try await app.run { client in
            try await client.post("/agents", Self.agent("w"))
            let task = try await client.post("/agents/w/tasks?wait=true", #"{"payload": "a"}"#).json
            #expect(task["status"].string == "succeeded")
            let w = try await client.get("/agents/w/timeline").json["agents"][0]
            let last = try #require(w["spans"].array.last)
            #expect(last["state"].string == "awake" && last["open"] == .bool(true), "\(w)")
            #expect(last["began"]["type"].string == "lazy_start")
            #expect(w["wakes"]["cold"]["count"].int == 1)
        }
    }

    @Test func badWindowsAndUnknownAgentsAreRefused() async throws {
        try await TestApp().run { client in
            let backwards = try await client.get("/timeline?since=2000&until=1000")
            #expect(backwards.status == .badRequest)
            #expect(backwards.json["errors"][0]["field"].string == "since")
            let tooLong = try await client.get("/timeline?since=0&until=\(32 * 86_400_000)")
            #expect(tooLong.status == .badRequest)
            let tooManySteps = try await client.get("/timeline?since=0&until=\(30 * 86_400_000)&step_ms=1000")
            #expect(tooManySteps.status == .badRequest)
            #expect(tooManySteps.json["errors"][0]["field"].string == "step_ms")
            #expect(try await client.get("/timeline?step_ms=10").status == .badRequest)
            #expect(try await client.get("/timeline?since=soon").status == .badRequest)
            let missing = try await client.get("/agents/nobody/timeline")
            #expect(missing.status == .notFound)
            let empty = try await client.get("/timeline").json
            #expect(empty["agents"].array.isEmpty && empty["fleet"]["time"]["share_asleep"] == .null)
        }
    }
}
