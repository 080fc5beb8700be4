import Logging

/// Idling: the idle timer and the idle stop.
extension LifecycleController {
    /// Re-arming is O(1): one timer task per instance sleeps until the next deadline and, if the deadlines moved
    /// later while it slept (a release after a later dispatch), sleeps again instead of being replaced; it is
    /// replaced only when the next deadline moves earlier than its wake-up (a pause step armed again after a
    /// refused pause, while the task sleeps toward the stop). With a pause configured, a running worker is paused
    /// at `pauseAfter` and stopped at `idleTimeout`, both from now; a paused one only has its stop armed.
    func armIdleTimer(generation: UInt64) {
        let now = clock.now
        let stopAt = now.advanced(by: policy.idleTimeout)
        idleSince = now
        idleDeadline = stopAt
        pauseDeadline = machine.phase == .running ? pauseDelay.map { now.advanced(by: $0) } : nil
        idleGeneration = generation
        if let wake = idleTimerWake, min(pauseDeadline ?? stopAt, stopAt) < wake {
            idleTimer?.cancel()
            idleTimer = nil
        }
        if idleTimer == nil {
            idleTimerToken &+= 1
            let token = idleTimerToken
            idleTimer = Task { await self.runIdleTimer(token: token) }
        }
    }

    private func runIdleTimer(token: UInt64) async {
        defer {
            // A replaced task must not clear its successor.
            if idleTimerToken == token {
                idleTimer = nil
                idleTimerWake = nil
            }
        }
        while let stopAt = idleDeadline, !Task.isCancelled {
            let next = min(pauseDeadline ?? stopAt, stopAt)
            if clock.now < next {
                idleTimerWake = next
                do { try await clock.sleep(until: next, tolerance: nil) } catch { return }
                continue
            }
            if let pauseAt = pauseDeadline, pauseAt < stopAt {
                pauseDeadline = nil
                apply(machine.pauseTimerExpired(generation: idleGeneration))
                continue
            }
            // A pause still under way ends first (stopping a container mid-pause would race it).
            if machine.phase == .pausing, let transition {
                await transition.value
                continue
            }
            // Inside a keep-warm window the stop waits for the window's end, and a worker still running is paused
            // now if its backend can pause (it is never put to sleep beyond paused).
            if let remaining = keepWarmRemaining() {
                if machine.phase == .running, backend.canPause {
                    apply(machine.pauseTimerExpired(generation: idleGeneration))
                }
                idleDeadline = clock.now.advanced(by: remaining)
                continue
            }
            idleDeadline = nil
            pauseDeadline = nil
            apply(machine.idleTimerExpired(generation: idleGeneration))
            return
        }
    }

    /// Stops the container now if it is running (or paused) and no lease is held or awaited; waits for the stop.
    package func stop(trigger: LifecycleTrigger) async throws -> StopOutcome {
        if [.stopping, .pausing, .resuming].contains(machine.phase), let transition { await transition.value }
        guard machine.phase != .stopped else { return .alreadyStopped }
        guard machine.stopRequested() == .stopContainer else {
            return .busy(inFlight: machine.inFlight + machine.waiting)
        }
        stopTrigger = trigger
        lastStopFailure = nil
        beginStop()
        await transition?.value
        if let lastStopFailure { throw lastStopFailure }
        return machine.phase == .stopped ? .stopped : .busy(inFlight: machine.inFlight + machine.waiting)
    }

    func beginStop() {
        stateEpoch &+= 1
        let idle = idleSince.map { $0.duration(to: clock.now) } ?? .zero
        transition = Task { await self.performStop(idle: idle) }
    }

    private func performStop(idle: Duration) async {
        // The decision to stop was taken in an earlier turn; a dispatch that arrived since then wins.
        guard machine.confirmStop() == .stopContainer else {
            stopTrigger = .idle
            apply(.resumeWaiters)
            return
        }
        let memory = await memoryBeforeStop()
        do {
            try await backend.stop(workerID, grace: policy.stopGracePeriod)
            logger.info(
                "container stopped",
                metadata: ["lifecycle.idle_seconds": "\(idle.seconds)", "lifecycle.trigger": "\(stopTrigger)"])
            await publish(.lazyStop(idle: idle), trigger: takeStopTrigger(), memoryBytes: memory)
            apply(machine.stopSucceeded())
        } catch {
            let failure = Self.runtimeError(error)
            logger.warning("container stop failed", metadata: ["error": "\(failure.message)"])
            lastStopFailure = failure
            await publish(.lazyStopFailed(error: failure.message), trigger: takeStopTrigger())
            apply(machine.stopFailed())
        }
    }

    /// The worker's memory as the engine reports it, read just before the stop so the audit can say what sleeping
    /// saves; nil where the backend cannot say (a Swarm service) or the engine did not answer, which never holds
    /// up the stop.
    private func memoryBeforeStop() async -> UInt64? {
        guard backend.canPause else { return nil }
        do {
            return try await backend.memoryUsage(workerID)
        } catch {
            logger.debug("could not weigh the worker before stopping it", metadata: ["error": "\(error)"])
            return nil
        }
    }

    private func takeStopTrigger() -> LifecycleTrigger {
        defer { stopTrigger = .idle }
        return stopTrigger
    }
}
