import Logging
import Synchronization

/// Owns one instance's `InstanceStateMachine` and carries out its actions through the instance's worker backend
/// (a container, a Swarm service): single-flight starts, leases, the idle timer and idle stops, and the
/// engine's events. Nothing here depends on which backend it is.
package actor LifecycleController<C: Clock<Duration>>: WorkerEventObserver {
    package nonisolated let instance: String
    package nonisolated let policy: LifecyclePolicy
    package nonisolated let backend: any WorkerBackend
    let clock: C
    let wallClock: WallClock
    let listener: any LifecycleEventListener
    let logger: Logger

    var machine: InstanceStateMachine {
        didSet {
            guard machine.phase != oldValue.phase else { return }
            publishedPhase.withLock { $0 = machine.phase }
            // A worker no longer paused (thawed, stopping, stopped) holds no paused memory.
            if oldValue.phase == .paused { warmBudget?.budget.left(instance) }
        }
    }
    /// The memory budget the paused worker is counted against; nil: none (unlimited, and nothing is measured).
    package private(set) var warmBudget: WarmBudgetLink<C.Instant>?
    private nonisolated let publishedPhase = Mutex(InstanceStateMachine.Phase.stopped)
    var waiters: [CheckedContinuation<AcquireOutcome, any Error>] = []
    /// The engine's id of the worker followed (container id, service id), once known.
    var workerID: String?
    /// Engine events older than this are reflected already: they belong to an earlier run of the worker
    /// (before the last start request) or came before its state was last read from the engine.
    var eventsSince: EngineTimestamp = 0
    /// Pause and unpause events older than this are reflected already (Dormouse's own, from before its last pause
    /// or resume began).
    var pauseEventsSince: EngineTimestamp = 0
    var idleSince: C.Instant?
    /// When the armed idle timer stops the worker, and (warm tier) pauses it before that.
    var idleDeadline: C.Instant?
    var pauseDeadline: C.Instant?
    var idleGeneration: UInt64 = 0
    var idleTimer: Task<Void, Never>?
    /// When the idle timer task wakes next, while it sleeps; which task is current (a replaced one exits).
    var idleTimerWake: C.Instant?
    var idleTimerToken: UInt64 = 0
    var transition: Task<Void, Never>?
    /// What caused the start, resume or stop in progress, for its event.
    var startTrigger = LifecycleTrigger.dispatch
    var stopTrigger = LifecycleTrigger.idle
    var lastStopFailure: ContainerRuntimeError?
    var retired = false
    /// Whether the last transition the listeners were told of was a start (true) or a stop (false); nil when
    /// this instance's transitions are not recorded, and then none is reconciled into an event.
    var reportedRunning: Bool?
    /// Bumped whenever Dormouse begins a start or stop and whenever an engine event changes the state, so an
    /// engine reading taken before is not applied after it.
    var stateEpoch: UInt64 = 0

    /// `lastRecordedRunning` is what the audit log last recorded for the instance (true after a `lazy_start`,
    /// false after a `lazy_stop` or nothing): a different engine state found later is reported as a
    /// `reconcile` transition. Nil for an instance whose transitions are not recorded (nothing is reconciled).
    package init(
        instance: String, backend: any WorkerBackend, policy: LifecyclePolicy, clock: C, wallClock: WallClock = .system,
        listener: any LifecycleEventListener, lastRecordedRunning: Bool? = nil,
        warmBudget: WarmBudgetLink<C.Instant>? = nil, logger: Logger
    ) {
        self.warmBudget = warmBudget
        self.instance = instance
        self.backend = backend
        self.policy = policy
        self.clock = clock
        self.wallClock = wallClock
        self.listener = listener
        var logger = logger
        logger[metadataKey: "agent.name"] = "\(instance)"
        self.logger = logger
        self.machine = InstanceStateMachine(mode: policy.mode)
        self.reportedRunning = lastRecordedRunning
        backend.observe(self, ids: [])
    }

    /// A controller of the container `target` on the engine `runtime`, whose events `monitor` routes.
    package init(
        instance: String, target: ContainerTarget, policy: LifecyclePolicy, runtime: any ContainerRuntime,
        monitor: ContainerEventMonitor, clock: C, wallClock: WallClock = .system,
        listener: any LifecycleEventListener, lastRecordedRunning: Bool? = nil, logger: Logger
    ) {
        self.init(
            instance: instance,
            backend: ContainerWorkerBackend(target: target, runtime: runtime, monitor: monitor, clock: clock),
            policy: policy, clock: clock, wallClock: wallClock, listener: listener,
            lastRecordedRunning: lastRecordedRunning, logger: logger)
    }

    /// Counts this instance's paused worker against `link`'s budget from its next pause on.
    package func join(_ link: WarmBudgetLink<C.Instant>) {
        warmBudget = link
    }

    /// The worker's name on its engine (container or service name).
    package nonisolated var workerName: String { backend.workerName }

    /// The state machine's phase, readable without waiting for the actor (listing many agents).
    package nonisolated var phase: InstanceStateMachine.Phase { publishedPhase.withLock { $0 } }

    /// The live reading of the state machine.
    package var snapshot: LifecycleSnapshot {
        LifecycleSnapshot(
            phase: machine.phase, inFlight: machine.inFlight, waiting: machine.waiting, workerID: workerID)
    }

    /// When the armed idle timer will stop the container; nil when no idle stop is armed. Set in the same actor
    /// turn as the action that arms it, so a test can check it without waiting for the timer task to sleep.
    package var armedIdleDeadline: C.Instant? { idleDeadline }

    /// When the armed idle timer will pause the container; nil when no pause is armed (none configured, the
    /// backend cannot pause, or it is paused already).
    package var armedPauseDeadline: C.Instant? { pauseDeadline }

    /// Takes a lease for one dispatch, starting the container first if it is stopped (or thawing it if it is
    /// paused). However many callers arrive together, the container is started (or thawed) once and all of them
    /// get that outcome. Pair every successful acquire with one `release()`.
    package func acquire(trigger: LifecycleTrigger = .dispatch) async throws -> AcquireOutcome {
        guard !retired else { throw ContainerRuntimeError.cancelled("instance \(instance) was removed") }
        let action = machine.acquire()
        idleDeadline = nil
        pauseDeadline = nil
        switch action {
        case .proceed:
            return .warm
        case .startContainer:
            startTrigger = trigger
            beginStart()
            return try await park()
        case .resumeContainer:
            startTrigger = trigger
            beginResume()
            return try await park()
        case .wait:
            return try await park()
        }
    }

    /// Ends a lease; the last one out arms the idle timer (lazy workers).
    package func release() {
        apply(machine.release())
    }

    /// Retires the controller: stops timers and work in progress, detaches from the engine events, and
    /// waits for a transition in progress to end. Afterwards it does nothing and publishes nothing (so a
    /// deleted agent's counters never come back); the container is left as is (`removeManagedContainer`).
    package func shutdown() async {
        retired = true
        warmBudget?.budget.left(instance)
        backend.stopObserving()
        idleTimer?.cancel()
        transition?.cancel()
        idleDeadline = nil
        pauseDeadline = nil
        failWaiters(with: ContainerRuntimeError.cancelled("instance \(instance) was removed"))
        await transition?.value
    }

    private func park() async throws -> AcquireOutcome {
        try await withCheckedThrowingContinuation { waiters.append($0) }
    }

    /// Carries out an action of the state machine.
    func apply(_ action: InstanceStateMachine.Action, outcome: Result<AcquireOutcome, any Error> = .success(.warm)) {
        if retired {
            if case .failure(let error) = outcome { failWaiters(with: error) }
            return
        }
        switch action {
        case .none:
            break
        case .startContainer:
            beginStart()
        case .stopContainer:
            beginStop()
        case .pauseContainer:
            beginPause()
        case .resumeContainer:
            beginResume()
        case .resumeWaiters:
            resumeWaiters(with: outcome)
        case .failWaiters:
            if case .failure(let error) = outcome { failWaiters(with: error) }
        case .armIdleTimer(let generation):
            armIdleTimer(generation: generation)
        }
    }

    private func resumeWaiters(with outcome: Result<AcquireOutcome, any Error>) {
        let parked = waiters
        waiters = []
        for waiter in parked { waiter.resume(with: outcome) }
    }

    private func failWaiters(with error: any Error) {
        resumeWaiters(with: .failure(error))
    }

    func publish(_ kind: LifecycleEvent.Kind, trigger: LifecycleTrigger, memoryBytes: UInt64? = nil) async {
        guard !retired else { return }
        // Before the await: a reconcile running meanwhile must see this transition as reported.
        if reportedRunning != nil {
            switch kind {
            case .lazyStart: reportedRunning = true
            case .lazyStop: reportedRunning = false
            case .lazyStartFailed, .lazyStopFailed, .lazyPause, .lazyPauseFailed, .lazyResume, .lazyResumeFailed: break
            }
        }
        let event = LifecycleEvent(
            instance: instance, kind: kind, timestampMilliseconds: wallClock.millisecondsSinceEpoch, trigger: trigger,
            memoryBytes: memoryBytes)
        await listener.receive(event)
    }

    /// Whether this instance may drive the worker: an operator's that opted in, or the one it created.
    func isOurs(_ status: WorkerStatus) -> Bool {
        backend.refusal(of: status, for: instance) == nil
    }

    /// Follows the worker with this id from now on.
    func adopt(id: String) {
        guard workerID != id else { return }
        workerID = id
        backend.observe(self, ids: [id])
    }

    /// Where a task reaches the running worker; throws when it went away.
    package func reach() async throws -> WorkerReach {
        guard let workerID else {
            throw ContainerRuntimeError.notFound("the agent's worker went away before the task reached it")
        }
        return try await backend.reach(workerID)
    }
}
