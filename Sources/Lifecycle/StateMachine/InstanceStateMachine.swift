/// The lifecycle of one instance as a value: each input returns the action its owner must carry out.
/// No I/O, no clock reads; `LifecycleController` owns one and performs the actions.
///
/// Counting: `inFlight` is the number of leases granted (acquired and not yet released); `waiting` is the
/// number of acquirers parked on a start, stop, pause or resume in progress. The idle timer is a generation:
/// arming it bumps the generation, and any acquire bumps it again, so a timer that fires after a dispatch arrived
/// finds a stale generation and does nothing. One arming covers both steps of a warm sleep: the pause
/// (`pauseTimerExpired`) and the stop after it (`idleTimerExpired`), both counted from the same last release.
package struct InstanceStateMachine: Sendable, Hashable {
    /// The externally visible phase.
    package enum Phase: String, Sendable, Hashable {
        case stopped, starting, running, stopping
        /// The worker is being frozen, is frozen (memory kept), or is being thawed.
        case pausing, paused, resuming
    }

    /// What the owner does after `acquire`.
    package enum AcquireAction: Sendable, Hashable {
        /// The container is running; the lease is granted.
        case proceed
        /// Start the container, then report `startSucceeded` or `startFailed`; the caller waits.
        case startContainer
        /// Thaw the paused container, then report `resumeSucceeded` or `resumeFailed`; the caller waits.
        case resumeContainer
        /// A start, stop, pause or resume is in progress; the caller waits for what follows it.
        case wait
    }

    /// What the owner does after any other input.
    package enum Action: Sendable, Hashable {
        case none
        /// Start the container (a stop finished while callers were waiting, or a resume failed).
        case startContainer
        /// Stop the container; report `stopSucceeded` or `stopFailed`.
        case stopContainer
        /// Freeze the container; report `pauseSucceeded` or `pauseFailed`.
        case pauseContainer
        /// Thaw the container (callers arrived while it was being paused or stopped from paused); report
        /// `resumeSucceeded` or `resumeFailed`.
        case resumeContainer
        /// Resume the waiting callers with their leases (they are now counted in flight).
        case resumeWaiters
        /// Fail the waiting callers; nothing is in flight for them.
        case failWaiters
        /// Arm the idle timer; when it expires report `pauseTimerExpired` and `idleTimerExpired` with `generation`.
        case armIdleTimer(generation: UInt64)
    }

    package private(set) var phase: Phase = .stopped
    package private(set) var inFlight = 0
    package private(set) var waiting = 0
    private var idleGeneration: UInt64 = 0
    private var idleArmed = false
    /// Whether the armed timer's pause step is still to come (it is taken at most once per arming).
    private var pauseArmed = false
    /// Whether the stop in progress began from `paused` (a failed stop leaves it paused, not running).
    private var stoppingFromPaused = false
    package let mode: LifecyclePolicy.Mode

    package init(mode: LifecyclePolicy.Mode) {
        self.mode = mode
    }

    /// A caller wants a lease to dispatch work.
    package mutating func acquire() -> AcquireAction {
        disarmIdleTimer()
        switch phase {
        case .running:
            inFlight += 1
            return .proceed
        case .stopped:
            phase = .starting
            waiting += 1
            return .startContainer
        case .paused:
            phase = .resuming
            waiting += 1
            return .resumeContainer
        case .starting, .stopping, .pausing, .resuming:
            waiting += 1
            return .wait
        }
    }

    /// A lease ends.
    package mutating func release() -> Action {
        guard inFlight > 0 else { return .none }
        inFlight -= 1
        return armIdleTimerIfIdle()
    }

    /// The container is ready.
    package mutating func startSucceeded() -> Action {
        guard phase == .starting else { return .none }
        phase = .running
        return grantWaitersOrIdle()
    }

    /// The start failed or timed out; waiting callers get the error and the instance is stopped.
    package mutating func startFailed() -> Action {
        guard phase == .starting else { return .none }
        phase = .stopped
        guard waiting > 0 else { return .none }
        waiting = 0
        return .failWaiters
    }

    /// The pause step of the idle timer armed with `generation` is due: a running lazy worker with nothing in
    /// flight or awaited is frozen. The stop step stays armed.
    package mutating func pauseTimerExpired(generation: UInt64) -> Action {
        guard idleArmed, pauseArmed, generation == idleGeneration, phase == .running, inFlight == 0, waiting == 0,
            mode == .lazy
        else { return .none }
        pauseArmed = false
        phase = .pausing
        return .pauseContainer
    }

    /// The owner is about to call the engine to pause: a dispatch that arrived since the decision wins, and the
    /// pause is called off (`.resumeWaiters`); otherwise `.pauseContainer` confirms it.
    package mutating func confirmPause() -> Action {
        guard phase == .pausing else { return .none }
        guard waiting > 0 else { return .pauseContainer }
        phase = .running
        return grantWaitersOrIdle()
    }

    /// The container is frozen; callers that arrived during the engine call thaw it at once.
    package mutating func pauseSucceeded() -> Action {
        guard phase == .pausing else { return .none }
        if waiting > 0 {
            phase = .resuming
            return .resumeContainer
        }
        phase = .paused
        return .none
    }

    /// The engine refused to pause the container, so it still runs: serve the waiters, or wait for the stop step
    /// (still armed; the pause is not tried again before it).
    package mutating func pauseFailed() -> Action {
        guard phase == .pausing else { return .none }
        phase = .running
        guard waiting > 0 else { return .none }
        inFlight += waiting
        waiting = 0
        return .resumeWaiters
    }

    /// The container is thawed and running: the callers get their leases.
    package mutating func resumeSucceeded() -> Action {
        guard phase == .resuming else { return .none }
        phase = .running
        return grantWaitersOrIdle()
    }

    /// The thaw failed (the container went away, the engine refused): fall back to a cold start, which finds the
    /// worker again (or creates it); the callers keep waiting for that start's outcome.
    package mutating func resumeFailed() -> Action {
        guard phase == .resuming else { return .none }
        phase = .starting
        return .startContainer
    }

    /// The idle timer armed with `generation` expired: a running or paused lazy worker with nothing in flight or
    /// awaited is stopped.
    package mutating func idleTimerExpired(generation: UInt64) -> Action {
        guard idleArmed, generation == idleGeneration, phase == .running || phase == .paused, inFlight == 0,
            waiting == 0, mode == .lazy
        else { return .none }
        idleArmed = false
        beginStopping()
        return .stopContainer
    }

    /// An operator (or the memory budget) asks for a stop now: only a running or paused container with no lease
    /// held or awaited stops (`.stopContainer`, report as for an idle stop); otherwise `.none`.
    package mutating func stopRequested() -> Action {
        guard phase == .running || phase == .paused, inFlight == 0, waiting == 0 else { return .none }
        disarmIdleTimer()
        beginStopping()
        return .stopContainer
    }

    /// The owner is about to call the engine to stop: a dispatch that arrived since the decision wins, and
    /// the stop is called off (`.resumeWaiters`, or `.resumeContainer` when it was paused); otherwise
    /// `.stopContainer` confirms it.
    package mutating func confirmStop() -> Action {
        guard phase == .stopping else { return .none }
        guard waiting > 0 else { return .stopContainer }
        if stoppingFromPaused {
            phase = .resuming
            return .resumeContainer
        }
        phase = .running
        return grantWaitersOrIdle()
    }

    /// The container stopped; callers that arrived meanwhile need a new start.
    package mutating func stopSucceeded() -> Action {
        guard phase == .stopping else { return .none }
        if waiting > 0 {
            phase = .starting
            return .startContainer
        }
        phase = .stopped
        return .none
    }

    /// The engine refused to stop the container, so it is as it was (running, or paused): serve the waiters or
    /// idle again.
    package mutating func stopFailed() -> Action {
        guard phase == .stopping else { return .none }
        if stoppingFromPaused {
            if waiting > 0 {
                phase = .resuming
                return .resumeContainer
            }
            phase = .paused
            return armIdleTimerIfIdle()
        }
        phase = .running
        return grantWaitersOrIdle()
    }

    /// The engine reports the container exited or was stopped by someone else.
    package mutating func containerExited() -> Action {
        guard phase == .running || phase == .paused else { return .none }
        disarmIdleTimer()
        phase = .stopped
        return .none
    }

    /// The engine reports the container was started by someone else.
    package mutating func containerStartedExternally() -> Action {
        guard phase == .stopped else { return .none }
        phase = .running
        return armIdleTimerIfIdle()
    }

    /// The engine reports the running container was paused by someone else: it is paused, and (lazy, idle) its
    /// stop is armed from now.
    package mutating func containerPausedExternally() -> Action {
        guard phase == .running else { return .none }
        phase = .paused
        disarmIdleTimer()
        return armIdleTimerIfIdle()
    }

    /// The engine reports the paused container was thawed by someone else: it runs, and idles again from now.
    package mutating func containerUnpausedExternally() -> Action {
        guard phase == .paused else { return .none }
        phase = .running
        disarmIdleTimer()
        return armIdleTimerIfIdle()
    }

    private mutating func beginStopping() {
        stoppingFromPaused = phase == .paused
        phase = .stopping
    }

    /// Callers that waited get their leases; with none, a lazy worker idles.
    private mutating func grantWaitersOrIdle() -> Action {
        guard waiting > 0 else { return armIdleTimerIfIdle() }
        inFlight += waiting
        waiting = 0
        return .resumeWaiters
    }

    private mutating func armIdleTimerIfIdle() -> Action {
        guard mode == .lazy, phase == .running || phase == .paused, inFlight == 0, waiting == 0 else { return .none }
        idleGeneration &+= 1
        idleArmed = true
        pauseArmed = phase == .running
        return .armIdleTimer(generation: idleGeneration)
    }

    private mutating func disarmIdleTimer() {
        guard idleArmed else { return }
        idleArmed = false
        pauseArmed = false
        idleGeneration &+= 1
    }
}
