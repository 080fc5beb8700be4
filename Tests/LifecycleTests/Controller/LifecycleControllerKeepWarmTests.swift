import Foundation
import Lifecycle
import LifecycleTestKit
import TestSupport
import Testing

/// Keep-warm windows on the test clock, the wall clock following it from a pinned instant: inside a window an
/// idle worker is paused instead of stopped and its stop waits for the window's end, across DST changes too.
@Suite("LifecycleController keep-warm windows")
struct LifecycleControllerKeepWarmTests {
    /// A harness whose engine and wall clock read `start` at the test clock's zero and move with it (engine event
    /// times and the controller's must agree).
    static func harness(start: String) throws -> Harness {
        let base = try #require(ISO8601DateFormatter().date(from: start))
        let baseNanoseconds = Int64(base.timeIntervalSince1970) * 1_000_000_000
        let clock = TestClock()
        let wallClock = WallClock {
            let (seconds, attoseconds) = clock.now.offset.components
            return baseNanoseconds + seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        }
        return Harness(runtime: InMemoryContainerRuntime(images: ["busybox"], wallClock: wallClock), clock: clock)
    }

    /// A controller keeping the worker warm in `keepWarm` (in `zone`), on the harness's engine and wall clock.
    static func controller(
        _ harness: Harness, keepWarm: [String], zone: String, pauseAfter: Duration? = nil
    ) throws -> LifecycleController<TestClock> {
        let schedule = try KeepWarmSchedule(keepWarm, timeZone: try #require(TimeZone(identifier: zone)))
        let policy = LifecyclePolicy(
            idleTimeout: .seconds(300), pauseAfter: pauseAfter, keepWarm: schedule, stopGracePeriod: .seconds(1))
        return LifecycleController(
            instance: "worker", target: .existing(name: "worker"), policy: policy, runtime: harness.runtime,
            monitor: harness.monitor, clock: harness.clock, wallClock: harness.runtime.wallClock,
            listener: harness.recorder, logger: Harness.logger)
    }

    /// Released at t=0, the stop step at t=300 inside the window: a pause instead, the stop deferred.
    static func idleIntoTheWindow(_ harness: Harness, _ controller: LifecycleController<TestClock>) async throws {
        _ = try await controller.acquire()
        await controller.release()
        await harness.clock.waitForSleeper(until: .init(offset: .seconds(300)))
        harness.clock.advance(by: .seconds(300))
        try await waitUntil { await controller.snapshot.phase == .paused }
    }

    @Test func insideAWindowTheIdleStopBecomesAPauseAndTheStopWaitsForTheWindowsEnd() async throws {
        let harness = try Self.harness(start: "2026-12-07T17:50:00Z")
        let id = harness.runtime.addContainer(name: "worker")
        // Monday 17:50 UTC; the window closes at 18:00.
        let controller = try Self.controller(
            harness, keepWarm: ["mon-fri 08:00-18:00"], zone: "UTC")
        try await harness.run {
            try await Self.idleIntoTheWindow(harness, controller)
            let paused = await harness.recorder.waitFor(2)
            #expect(paused[1].kind == .lazyPause(idle: .seconds(300)))
            #expect(harness.runtime.container(id)?.isPaused == true)
            #expect(await controller.armedIdleDeadline == .init(offset: .seconds(600)))
            await harness.clock.waitForSleeper(until: .init(offset: .seconds(600)))
            harness.clock.advance(by: .seconds(300))
            let stopped = await harness.recorder.waitFor(3)
            #expect(stopped[2].kind == .lazyStop(idle: .seconds(600)))
            #expect(harness.runtime.container(id)?.isRunning == false)
        }
    }

    @Test func outsideEveryWindowTheWorkerStopsAsUsual() async throws {
        let harness = try Self.harness(start: "2026-12-05T10:00:00Z")
        harness.runtime.addContainer(name: "worker")
        // Saturday: the weekday window is closed.
        let controller = try Self.controller(
            harness, keepWarm: ["mon-fri 08:00-18:00"], zone: "UTC")
        try await harness.run {
            _ = try await controller.acquire()
            await controller.release()
            await harness.expireIdleTimer()
            #expect(await harness.recorder.waitFor(2).map(\.type) == ["lazy_start", "lazy_stop"])
        }
    }

    /// Berlin springs forward on 2026-03-29 at 02:00 (to 03:00): a window ending at 04:00 local time ends two real
    /// hours after 01:00 local, not three.
    @Test func theStopWaitsForTheWindowsEndAcrossTheSpringForwardGap() async throws {
        let harness = try Self.harness(start: "2026-03-28T23:55:00Z")
        harness.runtime.addContainer(name: "worker")
        // 00:55 CET (UTC+1) on Sunday 2026-03-29; the stop step comes at 01:00 CET.
        let controller = try Self.controller(
            harness, keepWarm: ["sun 00:00-04:00"], zone: "Europe/Berlin")
        try await harness.run {
            try await Self.idleIntoTheWindow(harness, controller)
            // 04:00 CEST is 02:00 UTC: two hours after 01:00 CET (00:00 UTC).
            #expect(await controller.armedIdleDeadline == .init(offset: .seconds(300 + 7_200)))
        }
    }

    /// Berlin falls back on 2026-10-25 at 03:00 (to 02:00): a window ending at 03:30 local time covers the repeated
    /// hour, so it ends three and a half real hours after 01:00 CEST.
    @Test func theStopWaitsForTheWindowsEndAcrossTheRepeatedHour() async throws {
        let harness = try Self.harness(start: "2026-10-24T22:55:00Z")
        harness.runtime.addContainer(name: "worker")
        // 00:55 CEST (UTC+2); the stop step comes at 01:00 CEST = 23:00 UTC.
        let controller = try Self.controller(
            harness, keepWarm: ["sun 00:00-03:30"], zone: "Europe/Berlin")
        try await harness.run {
            try await Self.idleIntoTheWindow(harness, controller)
            // 03:30 CET is 02:30 UTC: three and a half hours after 23:00 UTC.
            #expect(await controller.armedIdleDeadline == .init(offset: .seconds(300 + 12_600)))
        }
    }

    @Test func aPausedWorkerInsideAWindowStaysPausedAndIsNotPausedTwice() async throws {
        let harness = try Self.harness(start: "2026-12-07T12:00:00Z")
        harness.runtime.addContainer(name: "worker")
        let controller = try Self.controller(
            harness, keepWarm: ["daily 08:00-18:00"], zone: "UTC",
            pauseAfter: .seconds(60))
        try await harness.run {
            _ = try await controller.acquire()
            await controller.release()
            await harness.clock.waitForSleeper(until: .init(offset: .seconds(60)))
            harness.clock.advance(by: .seconds(60))
            try await waitUntil { await controller.snapshot.phase == .paused }
            await harness.clock.waitForSleeper(until: .init(offset: .seconds(300)))
            harness.clock.advance(by: .seconds(240))
            // 12:05: the stop waits for 18:00.
            try await waitUntil { await controller.armedIdleDeadline == .init(offset: .seconds(21_600)) }
            #expect(harness.runtime.callCount { if case .pause = $0 { true } else { false } } == 1)
            #expect(harness.recorder.types == ["lazy_start", "lazy_pause"])
        }
    }
}
