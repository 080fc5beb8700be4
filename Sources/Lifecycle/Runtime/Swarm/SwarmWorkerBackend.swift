import Logging
import Synchronization

/// A worker that is a Swarm service kept at zero or one replica: an operator's service that opted in, or one
/// Dormouse creates. A wake scales it 0 → 1 and is ready once a task runs (Swarm holds a task in `starting`
/// until its HEALTHCHECK passes); a sleep scales it to 0. Swarm has no task events, so readiness is a task poll
/// bounded by the controller's start timeout, cut short by the container events of the service's tasks on the
/// engines Dormouse reaches (`containerMonitors`); scales made by others arrive as service events.
///
/// Every scale-up makes a new task with a new container, so a task is reached (exec) through the engine of the
/// node it runs on, found with `nodeRuntime`, and an `http` worker by the service's name on its overlay network.
package final class SwarmWorkerBackend: WorkerBackend, SwarmServiceObserver, ContainerEventObserver {
    /// Finds the engine of a swarm node (by node id) that Dormouse reaches, for exec into a task's container.
    package typealias NodeRuntime = @Sendable (_ nodeID: String) async -> (any ContainerRuntime)?

    package let target: SwarmServiceTarget
    let monitor: SwarmServiceMonitor
    let nodeRuntime: NodeRuntime
    let clock: any Clock<Duration>
    /// How often tasks are read while a wake or a sleep waits.
    let pollInterval: Duration
    /// How long a sleep waits for the task to go, beyond the stop grace period.
    let shutdownAllowance: Duration
    /// How long a wake waits for Swarm to make a task before it scales the service again.
    let nudgeAfter: Duration
    let logger: Logger
    /// The event monitors of the engines Dormouse drives: a node among them reports its tasks' containers.
    let containerMonitors: [ContainerEventMonitor]
    /// Fired by those container events; a waiting task poll reads again at once.
    let taskChanged = SwarmTaskSignal()
    private let observer = Mutex<WeakObserver?>(nil)

    package init(
        target: SwarmServiceTarget, monitor: SwarmServiceMonitor, nodeRuntime: @escaping NodeRuntime,
        containerMonitors: [ContainerEventMonitor] = [], clock: any Clock<Duration> = ContinuousClock(),
        pollInterval: Duration = .milliseconds(50), shutdownAllowance: Duration = .seconds(30),
        nudgeAfter: Duration = .seconds(2), logger: Logger
    ) {
        self.target = target
        self.monitor = monitor
        self.nodeRuntime = nodeRuntime
        self.containerMonitors = containerMonitors
        self.clock = clock
        self.pollInterval = pollInterval
        self.shutdownAllowance = shutdownAllowance
        self.nudgeAfter = nudgeAfter
        self.logger = logger
    }

    var services: SwarmServices { monitor.services }

    package var workerName: String { target.serviceName }

    package func resolve(knownID: String?, instance: String, logger: Logger) async throws -> WorkerStatus {
        let found: SwarmService
        do {
            found = try await services.inspect(knownID ?? target.serviceName)
        } catch let error as ContainerRuntimeError where error.isNotFound {
            guard case .managed(let spec) = target else { throw error }
            return try await create(spec, logger: logger)
        }
        if let refusal = target.refusal(of: found, for: instance) { throw ContainerRuntimeError.notManaged(refusal) }
        if case .managed(let spec) = target, !SwarmServiceLabels.isCurrent(found.labels, for: spec) {
            logger.info(
                "service replaced: the agent's service definition changed", metadata: ["service.id": "\(found.id)"])
            try await services.remove(found.id)
            return try await create(spec, logger: logger)
        }
        return try await status(of: found)
    }

    private func create(_ spec: SwarmServiceSpec, logger: Logger) async throws -> WorkerStatus {
        let id = try await services.create(spec)
        logger.info("service created", metadata: ["service.id": "\(id)", "service.image": "\(spec.image)"])
        return try await status(of: services.inspect(id))
    }

    /// Running means scaled up (so a scale by someone else is followed at once); ready, that a task runs, which
    /// Swarm says only once the task's HEALTHCHECK passed.
    private func status(of service: SwarmService) async throws -> WorkerStatus {
        let scaledUp = (service.replicas ?? 0) > 0
        let running = scaledUp ? try await services.runningTask(of: service.id) : nil
        return WorkerStatus(
            id: service.id, name: service.name, isRunning: scaledUp, hasHealthcheck: true,
            health: running == nil ? "starting" : "healthy", labels: service.labels)
    }

    package func wake(_ worker: WorkerStatus, notBefore: EngineTimestamp) async throws {
        if worker.isReady { return }
        // Tasks listed before the scale belong to earlier runs: a failure among them says nothing of this one.
        let earlier = Set(try await services.tasks(of: worker.id).map(\.id))
        if !worker.isRunning { try await services.scale(worker.id, to: 1) }
        do {
            try await waitForRunningTask(of: worker.id, ignoring: earlier)
        } catch {
            // A lazy worker that did not come up is not left scaled up behind the controller's back; the scale
            // runs on its own task, since this one may be cancelled (the start timeout).
            let (services, logger, id) = (self.services, self.logger, worker.id)
            Task {
                do { try await services.scale(id, to: 0) } catch {
                    logger.warning("could not scale a service back to 0", metadata: ["error": "\(error)"])
                }
            }
            throw error
        }
    }

    /// Polls until a task runs. A failed or rejected task of this wake fails it. When Swarm made no task at all
    /// within `nudgeAfter` of the scale, the service is scaled to 0 and to 1 again (at most twice): with restart
    /// policy `none`, Swarm 20.10 ignores every other scale 0 → 1 of a service (measured), and only the replica
    /// count may be touched on an operator's service.
    private func waitForRunningTask(of service: String, ignoring earlier: Set<String>) async throws {
        // Counted in polls: the clock is an existential, whose instants cannot be subtracted.
        var pollsSinceScale = 0
        var nudges = 0
        var pace = SwarmTaskSignal.Pace(interval: pollInterval)
        while true {
            try Task.checkCancellation()
            let seen = taskChanged.generation
            let tasks = try await services.tasks(of: service)
            if tasks.contains(where: \.isRunning) { return }
            let new = tasks.filter { !earlier.contains($0.id) }
            if let failed = new.first(where: { $0.state == .failed || $0.state == .rejected }) {
                throw ContainerRuntimeError.notReady(
                    "service \(service)'s task \(failed.state): \(failed.error ?? failed.message ?? "no reason given")")
            }
            if new.isEmpty, nudges < 2, pollInterval * pollsSinceScale >= nudgeAfter {
                nudges += 1
                logger.info(
                    "swarm made no task for the scale-up; scaling the service again",
                    metadata: ["service.name": "\(service)"])
                try await services.scale(service, to: 0)
                try await services.scale(service, to: 1)
                pollsSinceScale = 0
            }
            // A container event cuts the wait short; the nudge counts only whole intervals.
            if !(await pace.wait(on: taskChanged, after: seen, clock: clock)) { pollsSinceScale += 1 }
            try Task.checkCancellation()
        }
    }

    package func stop(_ workerID: String?, grace: Duration) async throws {
        let service = workerID ?? target.serviceName
        try await services.scale(service, to: 0)
        try await services.waitForNoRunningTask(
            of: service, every: pollInterval, timeout: grace + shutdownAllowance, clock: clock, signal: taskChanged)
    }

    /// A service has no pause: Swarm would see a frozen task as running and never thaw it.
    package var canPause: Bool { false }

    package func pause(_ workerID: String?) async throws {
        throw ContainerRuntimeError.conflict(
            "service \(target.serviceName) cannot be paused: a Swarm service is scaled to 0 instead")
    }

    package func unpause(_ workerID: String?) async throws {
        throw ContainerRuntimeError.conflict("service \(target.serviceName) is never paused")
    }

    /// Only a paused worker is weighed, and a service is never paused (its task may also be on an engine Dormouse
    /// does not reach).
    package func memoryUsage(_ workerID: String?) async throws -> UInt64 {
        throw ContainerRuntimeError.conflict(
            "service \(target.serviceName) has no memory figure: a Swarm service is never paused, so the warm memory"
                + " budget does not count it")
    }

    package func inspect(_ workerID: String?) async throws -> WorkerStatus {
        try await status(of: services.inspect(workerID ?? target.serviceName))
    }

    package func refusal(of worker: WorkerStatus, for instance: String) -> String? {
        target.refusal(name: worker.name, labels: worker.labels, for: instance)
    }

    package func removeCreated(for instance: String) async throws -> String? {
        guard case .managed = target else { return nil }
        let found: SwarmService
        do {
            found = try await services.inspect(target.serviceName)
        } catch let error as ContainerRuntimeError where error.isNotFound {
            return nil
        }
        guard SwarmServiceLabels.belongs(found.labels, to: instance) else { return nil }
        try await services.remove(found.id)
        return found.id
    }

    /// The running task's container; a service scaled up by someone else a moment ago may have none yet, so its
    /// task is waited for (bounded).
    package func reach(_ workerID: String?) async throws -> WorkerReach {
        let service = workerID ?? target.serviceName
        let task = try await services.waitForRunningTask(
            of: service, every: pollInterval, timeout: shutdownAllowance, clock: clock, signal: taskChanged)
        guard let container = task.containerID else {
            throw ContainerRuntimeError.notFound("service \(target.serviceName)'s running task names no container")
        }
        if let node = task.nodeID, let runtime = await nodeRuntime(node) {
            return WorkerReach(runtime: runtime, container: container, httpHost: target.serviceName)
        }
        return WorkerReach(
            runtime: nil, container: container, httpHost: target.serviceName,
            unreachable: "service \(target.serviceName)'s task runs on swarm node \(task.nodeID ?? "unknown"), whose"
                + " engine Dormouse does not reach: name it in DORMOUSE_ENGINES, or use http dispatch over the overlay"
                + " network")
    }

    package func observe(_ observer: any WorkerEventObserver, ids: Set<String>) {
        self.observer.withLock { $0 = WeakObserver(observer) }
        monitor.attach(self, matching: ids.union([target.serviceName]))
        // Container events name the service by id only; before the id is known there is nothing to match.
        for containers in containerMonitors { containers.attach(self, matching: ids) }
    }

    package func stopObserving() {
        monitor.detach(self)
        for containers in containerMonitors { containers.detach(self) }
        observer.withLock { $0 = nil }
    }

    /// A container of one of the service's tasks started, died or changed health: whoever polls its tasks reads
    /// them again now. The lifecycle itself follows the service's replica count, not its containers.
    package func containerEvent(_ event: ContainerEvent) async {
        taskChanged.fire()
    }

    package func engineReconnected() async {
        taskChanged.fire()
    }

    func serviceEvent(_ event: SwarmServiceEvent) async {
        guard let observer = observer.withLock({ $0?.value }), let action = Self.workerAction(event.action) else {
            return
        }
        await observer.workerEvent(
            WorkerEvent(workerID: event.serviceID, workerName: event.serviceName, action: action, time: event.time))
    }

    func serviceStreamReconnected() async {
        await observer.withLock({ $0?.value })?.engineReconnected()
    }

    /// A scale from 0 is a start, a scale to 0 an exit, a removal a removal; other changes of the spec are not
    /// the lifecycle's.
    static func workerAction(_ action: SwarmServiceEvent.Action) -> WorkerEvent.Action? {
        switch action {
        case .update(let old, let new?):
            if new == 0, old != 0 { return .exited }
            if new > 0, (old ?? 0) == 0 { return .started }
            return nil
        case .remove: return .removed
        case .update, .create, .other: return nil
        }
    }
}
