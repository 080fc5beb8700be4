import Lifecycle
import LifecycleTestKit
import Synchronization
import TestSupport
import Testing

/// The memory budget on the test clock: paused workers are weighed when paused, and over the budget the least
/// recently used is stopped with the `memory_budget` trigger.
@Suite("LifecycleController memory budget")
struct LifecycleControllerWarmBudgetTests {
    /// Controllers by instance name, for the budget's evictions.
    final class Fleet: Sendable {
        let controllers = Mutex<[String: LifecycleController<TestClock>]>([:])

        func link(_ budget: WarmMemoryBudget<TestClock.Instant>) -> WarmBudgetLink<TestClock.Instant> {
            WarmBudgetLink(budget: budget) { [self] name in
                let controller = controllers.withLock { $0[name] }
                _ = try? await controller?.stop(trigger: .memoryBudget)
            }
        }
    }

    static let mebibyte: UInt64 = 1_048_576

    /// A worker `name` holding `mebibytes`, whose controller counts against `budget`.
    static func worker(
        _ name: String, mebibytes: UInt64, _ harness: Harness, _ fleet: Fleet,
        _ budget: WarmMemoryBudget<TestClock.Instant>
    ) async -> LifecycleController<TestClock> {
        let id = harness.runtime.addContainer(name: name)
        _ = harness.runtime.setMemoryUsage(id, bytes: mebibytes * mebibyte)
        let controller = harness.controller(name, policy: LifecycleControllerWarmTests.warm)
        await controller.join(fleet.link(budget))
        fleet.controllers.withLock { $0[name] = controller }
        return controller
    }

    /// A dispatch and its release: the worker's pause comes 60 s later.
    static func use(_ controller: LifecycleController<TestClock>) async throws {
        _ = try await controller.acquire()
        await controller.release()
    }

    @Test func overTheBudgetTheLeastRecentlyUsedPausedWorkerIsStopped() async throws {
        let harness = Harness()
        let fleet = Fleet()
        let budget = WarmMemoryBudget<TestClock.Instant>(limitBytes: 40 * Self.mebibyte)
        let older = await Self.worker("older", mebibytes: 16, harness, fleet, budget)
        let newer = await Self.worker("newer", mebibytes: 16, harness, fleet, budget)
        let newest = await Self.worker("newest", mebibytes: 16, harness, fleet, budget)
        try await harness.run {
            try await Self.use(older)  // last used at t=0, paused at t=60
            await harness.clock.waitForSleeper(until: .init(offset: .seconds(60)))
            harness.clock.advance(by: .seconds(10))
            try await Self.use(newer)  // t=10, paused at t=70
            try await Self.use(newest)  // t=10, paused at t=70
            await harness.clock.waitForSleepers { $0.filter { $0 == .init(offset: .seconds(70)) }.count == 2 }
            harness.clock.advance(by: .seconds(50))
            try await waitUntil { budget.totalBytes == 16 * Self.mebibyte }
            harness.clock.advance(by: .seconds(10))
            // 48 MiB paused against 40: the one used longest ago goes.
            try await waitUntil { await older.snapshot.phase == .stopped }
            try await waitUntil { await newest.snapshot.phase == .paused }
            #expect(await newer.snapshot.phase == .paused)
            #expect(budget.entries.map(\.instance).sorted() == ["newer", "newest"])
            #expect(budget.totalBytes == 32 * Self.mebibyte)
            let stop = try #require(harness.recorder.events.first { $0.instance == "older" && $0.type == "lazy_stop" })
            #expect(stop.trigger == .memoryBudget)
            #expect(stop.detail["reason"] == .string("memory_budget"))
            // A dispatch to a worker the budget stopped starts it cold.
            #expect(try await older.acquire().isColdStart)
        }
    }

    @Test func aWorkerAloneLargerThanTheBudgetIsStoppedItself() async throws {
        let harness = Harness()
        let fleet = Fleet()
        let budget = WarmMemoryBudget<TestClock.Instant>(limitBytes: 20 * Self.mebibyte)
        let large = await Self.worker("large", mebibytes: 32, harness, fleet, budget)
        try await harness.run {
            try await Self.use(large)
            await harness.clock.waitForSleeper(until: .init(offset: .seconds(60)))
            harness.clock.advance(by: .seconds(60))
            try await waitUntil { await large.snapshot.phase == .stopped }
            #expect(harness.recorder.types == ["lazy_start", "lazy_pause", "lazy_stop"])
            #expect(harness.recorder.events.last?.trigger == .memoryBudget)
            #expect(budget.totalBytes == 0)
        }
    }

    @Test func aThawedWorkerLeavesTheBudget() async throws {
        let harness = Harness()
        let fleet = Fleet()
        let budget = WarmMemoryBudget<TestClock.Instant>(limitBytes: 40 * Self.mebibyte)
        let worker = await Self.worker("worker", mebibytes: 16, harness, fleet, budget)
        try await harness.run {
            try await Self.use(worker)
            await harness.clock.waitForSleeper(until: .init(offset: .seconds(60)))
            harness.clock.advance(by: .seconds(60))
            try await waitUntil { budget.totalBytes == 16 * Self.mebibyte }
            _ = try await worker.acquire()
            #expect(budget.totalBytes == 0)
            #expect(budget.entries.isEmpty)
        }
    }
}
