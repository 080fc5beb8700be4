import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Lifecycle
import LifecycleTestKit
import Registry
import Synchronization
import TestSupport
import Testing

@testable import Server

@Suite("GET /events")
struct EventStreamTests {
    /// The stream alone: an audit log on a temporary database feeding a broadcaster, served on loopback.
    static func withStream(
        capacity: Int = 1_024,
        _ body:
            @escaping @Sendable (SQLiteAuditLog, EventBroadcaster<TestClock>, TestClock, String) async throws -> Void
    ) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dormouse-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = try DormouseDatabase.open(path: folder.appendingPathComponent("d.sqlite").path)
        let clock = TestClock()
        let broadcaster = EventBroadcaster(
            lastEventID: try await SQLiteAuditLog.lastEventID(in: database), clock: clock, capacity: capacity)
        let log = try SQLiteAuditLog(database: database, logger: TestApp.logger) { await broadcaster.publish($0) }
        let router = Router()
        router.addMiddleware { ProblemMiddleware() }
        EventStreamController(broadcaster: broadcaster, auditLog: log).addRoutes(to: router)
        var app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        app.addServices(broadcaster)
        try await app.test(.live) { client in
            try await body(log, broadcaster, clock, "http://127.0.0.1:\(try #require(client.port))/events")
        }
    }

    static func event(_ index: Int, instance: String = "w1") -> LifecycleEvent {
        let kind: LifecycleEvent.Kind =
            index.isMultiple(of: 2) ? .lazyStart(latency: .milliseconds(312)) : .lazyStop(idle: .seconds(300))
        return LifecycleEvent(instance: instance, kind: kind, timestampMilliseconds: Int64(1_000 + index))
    }

    @Test(arguments: [
        (LifecycleEvent.Kind.lazyStart(latency: .milliseconds(312)), "container.lazy_started", "w1 woke in 312 ms"),
        (.lazyStop(idle: .seconds(300)), "container.lazy_stopped", "w1 stopped after 300 s idle"),
        (
            .lazyStartFailed(error: "No such image: x"), "container.lazy_start_failed",
            "w1 failed to start: No such image: x"
        ),
        (.lazyStopFailed(error: "timeout"), "container.lazy_stop_failed", "w1 failed to stop: timeout"),
        (.lazyPause(idle: .seconds(60)), "container.lazy_paused", "w1 paused after 60 s idle"),
        (.lazyResume(latency: .milliseconds(18)), "container.lazy_resumed", "w1 woke from pause in 18 ms"),
        (.lazyPauseFailed(error: "cgroup"), "container.lazy_pause_failed", "w1 failed to pause: cgroup"),
        (
            .lazyResumeFailed(error: "gone"), "container.lazy_resume_failed",
            "w1 failed to resume, starting it cold: gone"
        ),
    ])
    func framesCarryTheIdTheBroadcastTypeAndTheEvent(kind: LifecycleEvent.Kind, type: String, summary: String) throws {
        try Self.expectFrame(
            LifecycleEvent(instance: "w1", kind: kind, timestampMilliseconds: 1_700_000_000_123), type: type,
            summary: summary)
    }

    /// A stop forced by the warm tier's memory budget says so, in its detail and its summary.
    @Test func aMemoryBudgetStopSaysWhy() throws {
        let event = LifecycleEvent(
            instance: "w1", kind: .lazyStop(idle: .seconds(90)), timestampMilliseconds: 1_700_000_000_123,
            trigger: .memoryBudget)
        try Self.expectFrame(
            event, type: "container.lazy_stopped", summary: "w1 stopped after 90 s idle (over the warm memory budget)")
    }

    static func expectFrame(_ event: LifecycleEvent, type: String, summary: String) throws {
        let record = AuditRecord(id: 42, instance: "w1", type: event.type, ts: 1_700_000_000_123, detail: event.detail)
        let frame = EventFrame.frame(of: record)
        let lines = frame.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 5 && frame.hasSuffix("\n\n"))
        #expect(lines[0] == "id: 42")
        #expect(lines[1] == "event: \(type)")
        let data = try JSONValue.parse(String(lines[2].dropFirst("data: ".count)))
        #expect(data["type"].string == type)
        #expect(data["instance"].string == "w1")
        #expect(data["ts"].int == 1_700_000_000_123)
        #expect(data["summary"].string == summary)
        #expect(data["detail"]["trigger"].string == event.trigger.rawValue)
        if event.trigger == .memoryBudget { #expect(data["detail"]["reason"].string == "memory_budget") }
    }

    /// The warm tier's events are written, counted and streamed like the others, and their types filter.
    @Test func warmTierEventsAreStreamedAndFiltered() async throws {
        try await Self.withStream { log, _, _, url in
            let kinds: [LifecycleEvent.Kind] = [
                .lazyStart(latency: .milliseconds(300)), .lazyPause(idle: .seconds(60)),
                .lazyResume(latency: .milliseconds(18)), .lazyPauseFailed(error: "x"), .lazyResumeFailed(error: "y"),
            ]
            for (index, kind) in kinds.enumerated() {
                try await log.record(LifecycleEvent(instance: "w1", kind: kind, timestampMilliseconds: Int64(index)))
            }
            var all = try await SSEReader.open(url + "?after_id=0")
            var names: [String?] = []
            for _ in kinds { names.append(try await all.nextEvent()?.event) }
            #expect(
                names == [
                    "container.lazy_started", "container.lazy_paused", "container.lazy_resumed",
                    "container.lazy_pause_failed", "container.lazy_resume_failed",
                ])
            var wakes = try await SSEReader.open(url + "?after_id=0&type=container.lazy_started,container.lazy_resumed")
            #expect(wakes.status == 200)
            #expect(try await wakes.nextEvent()?.id == "1")
            let resumed = try await wakes.nextEvent()
            #expect(resumed?.id == "3" && resumed?.event == "container.lazy_resumed")
        }
    }

    @Test func replaysAfterAnIdThenGoesOnLive() async throws {
        try await Self.withStream { log, _, _, url in
            for index in 0..<3 { try await log.record(Self.event(index)) }
            var reader = try await SSEReader.open(url + "?after_id=0")
            #expect(reader.status == 200)
            #expect(reader.contentType == "text/event-stream")
            #expect(try await reader.next()?.retry == "3000")
            #expect(try await reader.nextEvent()?.id == "1")
            #expect(try await reader.nextEvent()?.event == "container.lazy_stopped")
            #expect(try await reader.nextEvent()?.id == "3")
            try await log.record(Self.event(3))
            #expect(try await reader.nextEvent()?.id == "4")

            var resumed = try await SSEReader.open(url, headers: [("Last-Event-ID", "2")])
            #expect(try await resumed.nextEvent()?.id == "3")
            #expect(try await resumed.nextEvent()?.id == "4")
        }
    }

    @Test func noGapAndNoDuplicateWhileEventsAreWrittenDuringTheReplay() async throws {
        try await Self.withStream { log, _, _, url in
            for index in 0..<300 { try await log.record(Self.event(index)) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for batch in 0..<35 {
                        try await withThrowingTaskGroup(of: Void.self) { writers in
                            for index in 0..<20 {
                                writers.addTask { try await log.record(Self.event(batch * 20 + index)) }
                            }
                            try await writers.waitForAll()
                        }
                    }
                }
                var reader = try await SSEReader.open(url + "?after_id=0")
                var ids: [Int] = []
                while ids.last != 1_000, let frame = try await reader.nextEvent() {
                    ids.append(Int(frame.id ?? "") ?? -1)
                }
                #expect(ids == Array(1...1_000))
                try await group.waitForAll()
            }
        }
    }

    @Test func filtersByInstanceAndType() async throws {
        try await Self.withStream { log, _, _, url in
            for index in 0..<4 { try await log.record(Self.event(index, instance: index < 2 ? "a" : "b")) }
            var byInstance = try await SSEReader.open(url + "?after_id=0&instance=b")
            #expect(try await byInstance.nextEvent()?.id == "3")
            #expect(try await byInstance.nextEvent()?.id == "4")
            var byType = try await SSEReader.open(url + "?after_id=0&type=container.lazy_stopped")
            #expect(try await byType.nextEvent()?.id == "2")
            #expect(try await byType.nextEvent()?.id == "4")
            let bad = try await SSEReader.open(url + "?type=lazy_start")
            #expect(bad.status == 400)
        }
    }

    @Test func aSlowSubscriberIsCutOffWithoutHoldingUpTheOthers() async throws {
        let broadcaster = EventBroadcaster(lastEventID: 0, clock: TestClock(), capacity: 8)
        let slow = await broadcaster.subscribe(.init())
        let reader = await broadcaster.subscribe(.init())
        var received = 0
        var iterator = reader.stream.makeAsyncIterator()
        for round in 0..<3 {
            let records = (1...5).map {
                AuditRecord(id: Int64(round * 5 + $0), instance: "w1", type: "lazy_start", ts: 0, detail: [:])
            }
            await broadcaster.publish(records)
            for _ in 0..<5 where await iterator.next() != nil { received += 1 }
        }
        #expect(received == 15)
        #expect(await broadcaster.subscriberCount == 1)
        var kept = 0
        for await _ in slow.stream { kept += 1 }
        #expect(kept == 8)
    }

    @Test func sendsAHeartbeatEveryFifteenSeconds() async throws {
        try await Self.withStream { _, _, clock, url in
            var reader = try await SSEReader.open(url)
            #expect(try await reader.next()?.retry == "3000")
            #expect(try await reader.next()?.comment == "caught up")
            await clock.waitForSleeper(until: clock.now.advanced(by: .seconds(15)))
            clock.advance(by: .seconds(15))
            #expect(try await reader.next()?.comment == "keep-alive")
        }
    }

    @Test func openStreamsEndOnGracefulShutdown() async throws {
        let opened = Gate()
        let reading = Mutex<Task<Bool, any Error>?>(nil)
        try await Self.withStream { _, _, _, url in
            let task = Task {
                var reader = try await SSEReader.open(url)
                _ = try await reader.next()
                opened.open()
                while try await reader.next() != nil {}
                return true
            }
            reading.withLock { $0 = task }
            await opened.wait()
        }
        let task = try #require(reading.withLock { $0 })
        #expect(try await task.value)
    }

    @Test func needsTheTokenLikeEveryOtherRoute() async throws {
        try await TestApp(token: "s3cret").run { client in
            let reply = try await client.send(.get, "/events", authorized: false)
            #expect(reply.status == .unauthorized)
        }
    }

    @Test func aDispatchToAStoppedWorkerIsBroadcastAsLazyStarted() async throws {
        try await TestApp().run { client in
            try await client.post("/agents", LifecycleAPITests.agent)
            let port = try #require(client.client.port)
            var reader = try await SSEReader.open("http://127.0.0.1:\(port)/events?instance=w1")
            #expect(try await reader.next()?.retry == "3000")
            _ = try await client.postConcurrently("/agents/w1/tasks?wait=true", #"{"payload": 1}"#)
            let frame = try #require(try await reader.nextEvent())
            #expect(frame.event == "container.lazy_started")
            let data = try JSONValue.parse(frame.data ?? "")
            #expect(data["instance"].string == "w1")
            #expect(data["detail"]["latency_ms"].double != nil)
            #expect(data["summary"].string?.hasPrefix("w1 woke in") == true)
        }
    }
}

@Suite("GET / (dashboard)")
struct DashboardTests {
    @Test func servesOnePageThatLoadsNothingFromElsewhere() async throws {
        try await TestApp(token: "s3cret").run { client in
            let page = try await client.send(.get, "/", authorized: false)
            #expect(page.status == .ok)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(page.text.contains("new EventSource("))
            #expect(!page.text.contains("src=\"http") && !page.text.contains("href=\"http"))
        }
    }

    @Test func aStreamTokenOpensTheEventStreamOnce() async throws {
        try await TestApp(token: "s3cret").run { client in
            let issued = try await client.post("/events/token")
            #expect(issued.status == .created)
            let token = try #require(issued.json["token"].string)
            let port = try #require(client.client.port)
            var stream = try await SSEReader.open("http://127.0.0.1:\(port)/events?access_token=\(token)")
            #expect(stream.status == 200)
            #expect(try await stream.next()?.retry == "3000")
            let again = try await SSEReader.open("http://127.0.0.1:\(port)/events?access_token=\(token)")
            #expect(again.status == 401)
            let forged = try await SSEReader.open("http://127.0.0.1:\(port)/events?access_token=abc")
            #expect(forged.status == 401)
        }
    }
}
