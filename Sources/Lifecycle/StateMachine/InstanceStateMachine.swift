/// The lifecycle of one instance as a value: each input returns the action its owner must carry out.
/// No I/O, no clock reads; `LifecycleController` owns one and performs the actions.
///
/// Counting: `inFlight` is the number of leases granted (acquired and not yet released); `waiting` is the
/// number of acquirers parked on a start or stop in progress. The idle timer is a generation: arming it
/// bumps the generation, and any acquire bumps it again, so a timer that fires after a dispatch arrived
/// finds a stale generation and does nothing.
package struct InstanceStateMachine: Sendable, Hashable {
    /// The externally visible phase.
    package enum Phase: String, Sendable, Hashable {
        case stopped, starting, running, stopping
    }

    /// What the owner does after `acquire`.
    package enum AcquireAction: Sendable, Hashable {
        /// The container is running; the lease is granted.
        case proceed
        /// Start the container, then report `startSucceeded` or `startFailed`; the caller waits.
        case startContainer
        /// A start or stop is in progress; the caller waits for the start that follows.
        case wait
    }

    /// What the owner does after any other input.
    package enum Action: Sendable, Hashable {
        case none
        /// Start the container (a stop finished while callers were waiting).
        case startContainer
        /// Stop the container; report `stopSucceeded` or `stopFailed`.
        case stopContainer
        /// Resume the waiting callers with their leases (they are now counted in flight).
        case resumeWaiters
        /// Fail the waiting callers; nothing is in flight for them.
        case failWaiters
        /// Arm the idle timer; when it expires report `idleTimerExpired(generation:)`.
        case armIdleTimer(generation: UInt64)
    }

    package private(set) var phase: Phase = .stopped
    package private(set) var inFlight = 0
    package private(set) var waiting = 0
    private var idleGeneration: UInt64 = 0
    private var idleArmed = false
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
        case .starting, .stopping:
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
        if waiting > 0 {
            inFlight += waiting
            waiting = 0
            return .resumeWaiters
        }
        return armIdleTimerIfIdle()
    }

    /// The start failed or timed out; waiting callers get the error and the instance is stopped.
    package mutating func startFailed() -> Action {
        guard phase == .starting else { return .none }
        phase = .stopped
        guard waiting > 0 else { return .none }
        waiting = 0
        return .failWaiters
    }

    /// The idle timer armed with `generation` expired.
    package mutating func idleTimerExpired(generation: UInt64) -> Action {
        guard idleArmed, generation == idleGeneration, phase == .running, inFlight == 0, waiting == 0,
            mode == .lazy
        else { return .none }
        idleArmed = false
        phase = .stopping
        return .stopContainer
    }

    /// An operator asks for a stop now: only a running container with no lease held or awaited stops
    /// (`.stopContainer`, report as for an idle stop); otherwise `.none`.
    package mutating func stopRequested() -> Action {
        guard phase == .running, inFlight == 0, waiting == 0 else { return .none }
        disarmIdleTimer()
        phase = .stopping
        return .stopContainer
    }

    /// The owner is about to call the engine to stop: a dispatch that arrived since the decision wins, and
    /// the stop is called off (`.resumeWaiters`); otherwise `.stopContainer` confirms it.
    package mutating func confirmStop() -> Action {
        guard phase == .stopping else { return .none }
        guard waiting > 0 else { return .stopContainer }
        phase = .running
        inFlight += waiting
        waiting = 0
        return .resumeWaiters
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

    /// The engine refused to stop the container, so it is still running: serve the waiters or idle again.
    package mutating func stopFailed() -> Action {
        guard phase == .stopping else { return .none }
        phase = .running
        if waiting > 0 {
            inFlight += waiting
            waiting = 0
            return .resumeWaiters
        }
        return armIdleTimerIfIdle()
    }

    /// The engine reports the container exited or was stopped by someone else.
    package mutating func containerExited() -> Action {
        guard phase == .running else { return .none }
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

    private mutating func armIdleTimerIfIdle() -> Action {
        guard mode == .lazy, phase == .running, inFlight == 0, waiting == 0 else { return .none }
        idleGeneration &+= 1
        idleArmed = true
        return .armIdleTimer(generation: idleGeneration)
    }

    private mutating func disarmIdleTimer() {
        guard idleArmed else { return }
        idleArmed = false
        idleGeneration &+= 1
    }
}
