import Foundation
import Logging

/// The warm tier: freezing an idle worker (memory kept) and thawing it for the next dispatch.
extension LifecycleController {
    /// How long after the last release the worker is paused; nil when it never is (not configured, or a backend
    /// that cannot pause: it is stopped at its idle timeout instead, as without a pause).
    var pauseDelay: Duration? {
        guard let pauseAfter = policy.pauseAfter, pauseAfter < policy.idleTimeout, backend.canPause else {
            return nil
        }
        return pauseAfter
    }

    /// How long until the keep-warm coverage the wall clock is in now ends; nil outside every window (or with
    /// none). At least a millisecond, so a deferral always moves the deadline.
    func keepWarmRemaining() -> Duration? {
        guard let schedule = policy.keepWarm, !schedule.isEmpty else { return nil }
        let nanoseconds = wallClock.nanosecondsSinceEpoch
        let now = Date(timeIntervalSince1970: Double(nanoseconds) / 1e9)
        guard let end = schedule.coverageEnd(containing: now) else { return nil }
        let remaining = Int64((end.timeIntervalSince1970 * 1e9).rounded()) - nanoseconds
        return .nanoseconds(max(remaining, 1_000_000))
    }

    func beginPause() {
        stateEpoch &+= 1
        let idle = idleSince.map { $0.duration(to: clock.now) } ?? .zero
        transition = Task { await self.performPause(idle: idle) }
    }

    private func performPause(idle: Duration) async {
        // The decision to pause was taken in an earlier turn; a dispatch that arrived since then wins.
        let decision = machine.confirmPause()
        guard decision == .pauseContainer else {
            apply(decision)
            return
        }
        pauseEventsSince = wallClock.nanosecondsSinceEpoch
        do {
            try await backend.pause(workerID)
            logger.info("worker paused", metadata: ["lifecycle.idle_seconds": "\(idle.seconds)"])
            await publish(.lazyPause(idle: idle), trigger: .idle)
            apply(machine.pauseSucceeded())
            await countAgainstTheBudget()
        } catch {
            let failure = Self.runtimeError(error)
            logger.warning("worker pause failed", metadata: ["error": "\(failure.message)"])
            await publish(.lazyPauseFailed(error: failure.message), trigger: .idle)
            apply(machine.pauseFailed())
        }
    }

    /// Weighs the paused worker (the engine's figure, as `docker stats` shows it) against the memory budget, and
    /// stops the least recently used paused workers, this one included, until the total fits.
    private func countAgainstTheBudget() async {
        guard let link = warmBudget, machine.phase == .paused else { return }
        let bytes: UInt64
        do {
            bytes = try await backend.memoryUsage(workerID)
        } catch {
            logger.warning(
                "could not read the paused worker's memory; it is not counted against the memory budget",
                metadata: ["error": "\(Self.runtimeError(error).message)"])
            return
        }
        // Thawed or stopped while the engine answered: nothing paused to count.
        guard machine.phase == .paused else { return }
        let evicted = link.budget.paused(instance, bytes: bytes, lastUsed: idleSince ?? clock.now)
        for name in evicted {
            logger.info(
                "paused workers over the memory budget: stopping the least recently used",
                metadata: ["warm.evicted": "\(name)", "warm.total_bytes": "\(link.budget.totalBytes)"])
            if name == instance {
                _ = try? await stop(trigger: .memoryBudget)
            } else {
                Task { await link.evict(name) }
            }
        }
    }

    func beginResume() {
        stateEpoch &+= 1
        transition = Task { await self.performResume() }
    }

    /// Thaws the worker within the start timeout; a failed thaw is reported and falls back to a cold start (which
    /// finds the worker again, or creates it), whose outcome the waiting callers get.
    private func performResume() async {
        let began = clock.now
        pauseEventsSince = wallClock.nanosecondsSinceEpoch
        let backend = self.backend
        let workerID = self.workerID
        do {
            try await withStartTimeout { try await backend.unpause(workerID) }
            let latency = began.duration(to: clock.now)
            logger.info("worker resumed", metadata: ["lifecycle.latency_ms": "\(Int(latency.milliseconds))"])
            await publish(.lazyResume(latency: latency), trigger: startTrigger)
            startTrigger = .dispatch
            apply(machine.resumeSucceeded(), outcome: .success(.resumed(wake: latency)))
        } catch {
            let failure = Self.runtimeError(error)
            logger.warning("worker resume failed; starting it cold", metadata: ["error": "\(failure.message)"])
            await publish(.lazyResumeFailed(error: failure.message), trigger: startTrigger)
            apply(machine.resumeFailed())
        }
    }
}
