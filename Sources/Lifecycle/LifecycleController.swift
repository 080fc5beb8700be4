import Logging
import Synchronization

/// Owns one instance's `InstanceStateMachine` and carries out its actions against the container runtime:
/// single-flight starts, leases, the idle timer and idle stops, and events from the engine.
public actor LifecycleController<C: Clock<Duration>>: ContainerEventObserver {
    public nonisolated let instance: String
    public nonisolated let target: ContainerTarget
    public nonisolated let policy: LifecyclePolicy
    let runtime: any ContainerRuntime
    let monitor: ContainerEventMonitor
    let clock: C
    let wallClock: WallClock
    let listener: any LifecycleEventListener
    let logger: Logger

    var machine: InstanceStateMachine {
        didSet { if machine.phase != oldValue.phase { publishedPhase.withLock { $0 = machine.phase } } }
    }
    private nonisolated let publishedPhase = Mutex(InstanceStateMachine.Phase.stopped)
    var waiters: [CheckedContinuation<AcquireOutcome, any Error>] = []
    var containerID: String?
    /// Engine events older than the last start request belong to an earlier run of the container.
    var currentRunSince: ContainerEvent.Timestamp = 0
    var idleSince: C.Instant?
    var idleDeadline: C.Instant?
    var idleGeneration: UInt64 = 0
    var idleTimer: Task<Void, Never>?
    var transition: Task<Void, Never>?
    /// What caused the start or stop in progress, for its event.
    var startTrigger = LifecycleTrigger.dispatch
    var stopTrigger = LifecycleTrigger.idle
    var lastStopFailure: ContainerRuntimeError?
    var retired = false

    public init(
        instance: String, target: ContainerTarget, policy: LifecyclePolicy, runtime: any ContainerRuntime,
        monitor: ContainerEventMonitor, clock: C, wallClock: WallClock = .system,
        listener: any LifecycleEventListener, logger: Logger
    ) {
        self.instance = instance
        self.target = target
        self.policy = policy
        self.runtime = runtime
        self.monitor = monitor
        self.clock = clock
        self.wallClock = wallClock
        self.listener = listener
        var logger = logger
        logger[metadataKey: "agent.name"] = "\(instance)"
        self.logger = logger
        self.machine = InstanceStateMachine(mode: policy.mode)
        monitor.attach(self, matching: [target.containerName])
    }

    /// The state machine's phase, readable without waiting for the actor (listing many agents).
    public nonisolated var phase: InstanceStateMachine.Phase { publishedPhase.withLock { $0 } }

    /// The live reading of the state machine.
    public var snapshot: LifecycleSnapshot {
        LifecycleSnapshot(
            phase: machine.phase, inFlight: machine.inFlight, waiting: machine.waiting, containerID: containerID)
    }

    /// Takes a lease for one dispatch, starting the container first if it is stopped. However many callers
    /// arrive together, the container is started once and all of them get that start's outcome. Pair every
    /// successful acquire with one `release()`.
    public func acquire(trigger: LifecycleTrigger = .dispatch) async throws -> AcquireOutcome {
        guard !retired else { throw ContainerRuntimeError.cancelled("instance \(instance) was removed") }
        let action = machine.acquire()
        idleDeadline = nil
        switch action {
        case .proceed:
            return .warm
        case .startContainer:
            startTrigger = trigger
            beginStart()
            return try await park()
        case .wait:
            return try await park()
        }
    }

    /// Ends a lease; the last one out arms the idle timer (lazy workers).
    public func release() {
        apply(machine.release())
    }

    /// Reads the container's state from the engine and adopts it (on boot, or after an engine reconnect):
    /// a running container becomes `running` (and idles out if lazy), a vanished one `stopped`.
    public func reconcile() async {
        do {
            let status = try await runtime.inspect(containerID ?? target.containerName)
            guard isOurs(status) else { return }
            adopt(status)
            apply(status.isRunning ? machine.containerStartedExternally() : machine.containerExited())
        } catch let error as ContainerRuntimeError where error.isNotFound {
            apply(machine.containerExited())
        } catch {
            logger.warning("could not read container state", metadata: ["error": "\(error)"])
        }
    }

    /// Retires the controller: stops timers and work in progress, detaches from the engine events, and
    /// waits for a transition in progress to end. Afterwards it does nothing and publishes nothing (so a
    /// deleted agent's counters never come back); the container is left as is (`removeManagedContainer`).
    public func shutdown() async {
        retired = true
        monitor.detach(self)
        idleTimer?.cancel()
        transition?.cancel()
        idleDeadline = nil
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

    func publish(_ kind: LifecycleEvent.Kind, trigger: LifecycleTrigger) async {
        guard !retired else { return }
        let event = LifecycleEvent(
            instance: instance, kind: kind, timestampMilliseconds: wallClock.millisecondsSinceEpoch, trigger: trigger)
        await listener.receive(event)
    }

    func isOurs(_ status: ContainerStatus) -> Bool {
        guard case .managed = target else { return true }
        return ContainerLabels.belongs(status.labels, to: instance)
    }

    func adopt(_ status: ContainerStatus) {
        adopt(id: status.id)
    }

    func adopt(id: String) {
        guard containerID != id else { return }
        containerID = id
        monitor.attach(self, matching: [target.containerName, id])
    }
}
