import Logging
import Synchronization

/// A worker that is one container on a Docker engine: an operator's container that opted in, or one Dormouse
/// creates from an image (and replaces when the agent's definition changes). Readiness and outside changes
/// come from the engine's shared event subscription (`ContainerEventMonitor`), translated into `WorkerEvent`s.
package final class ContainerWorkerBackend: WorkerBackend, ContainerEventObserver {
    package let target: ContainerTarget
    let runtime: any ContainerRuntime
    let monitor: ContainerEventMonitor
    /// Paces the `inspect` probes while the event stream is down (the controller's clock, so tests drive it).
    let clock: any Clock<Duration>
    private let observer = Mutex<WeakObserver?>(nil)

    package init(
        target: ContainerTarget, runtime: any ContainerRuntime, monitor: ContainerEventMonitor,
        clock: any Clock<Duration> = ContinuousClock()
    ) {
        self.target = target
        self.runtime = runtime
        self.monitor = monitor
        self.clock = clock
    }

    package var workerName: String { target.containerName }

    package func resolve(knownID: String?, instance: String, logger: Logger) async throws -> WorkerStatus {
        let found: ContainerStatus
        do {
            found = try await runtime.inspect(knownID ?? target.containerName)
        } catch let error as ContainerRuntimeError where error.isNotFound {
            guard case .managed(let spec) = target else { throw error }
            return try await create(spec, for: instance, logger: logger)
        }
        if let refusal = target.refusal(of: found, for: instance) {
            throw ContainerRuntimeError.notManaged(refusal)
        }
        // One of ours created from an earlier definition: no lease is held while starting, so no dispatched task
        // runs in it (a running one is a hot worker from before the change, or one someone else started).
        if case .managed(let spec) = target, !ContainerLabels.isCurrent(found.labels, for: spec) {
            logger.info(
                "container replaced: the agent's container definition changed",
                metadata: ["container.id": "\(found.id)"])
            try await runtime.remove(found.id, force: true)
            return try await create(spec, for: instance, logger: logger)
        }
        return WorkerStatus(found)
    }

    private func create(_ spec: ContainerSpec, for instance: String, logger: Logger) async throws -> WorkerStatus {
        var spec = spec
        spec.labels.merge(ContainerLabels.forInstance(instance, spec: spec)) { _, ours in ours }
        let id = try await runtime.create(spec)
        logger.info("container created", metadata: ["container.id": "\(id)", "container.image": "\(spec.image)"])
        return WorkerStatus(try await runtime.inspect(id))
    }

    package func wake(_ worker: WorkerStatus, notBefore: EngineTimestamp) async throws {
        if worker.isPaused {
            try await runtime.unpause(worker.id)
            return
        }
        if worker.isReady { return }
        // The ticket is taken before the start call, so an event that comes before the wait is kept.
        let stream = monitor.subscriptionMark
        let ticket = monitor.readiness.expect(
            .init(containerID: worker.id, requiresHealthy: worker.hasHealthcheck, notBefore: notBefore))
        do {
            if !worker.isRunning { try await runtime.start(worker.id) }
        } catch {
            monitor.readiness.cancel(ticket)
            throw error
        }
        try await awaitReady(ticket, containerID: worker.id, requiresHealthy: worker.hasHealthcheck, stream: stream)
    }

    package func stop(_ workerID: String?, grace: Duration) async throws {
        try await runtime.stop(workerID ?? target.containerName, timeout: grace)
    }

    /// True unless the engine's quirks say it cannot freeze containers (a rootless engine on cgroup v1).
    package var canPause: Bool { (runtime as? DockerEngineRuntime)?.quirks.canPause ?? true }

    package func pause(_ workerID: String?) async throws {
        try await runtime.pause(workerID ?? target.containerName)
    }

    package func unpause(_ workerID: String?) async throws {
        try await runtime.unpause(workerID ?? target.containerName)
    }

    package func memoryUsage(_ workerID: String?) async throws -> UInt64 {
        try await runtime.memoryUsage(workerID ?? target.containerName)
    }

    package func inspect(_ workerID: String?) async throws -> WorkerStatus {
        WorkerStatus(try await runtime.inspect(workerID ?? target.containerName))
    }

    package func refusal(of worker: WorkerStatus, for instance: String) -> String? {
        target.refusal(name: worker.name, labels: worker.labels, for: instance)
    }

    package func removeCreated(for instance: String) async throws -> String? {
        guard case .managed = target else { return nil }
        let status: ContainerStatus
        do {
            status = try await runtime.inspect(target.containerName)
        } catch let error as ContainerRuntimeError where error.isNotFound {
            return nil
        }
        guard target.refusal(of: status, for: instance) == nil else { return nil }
        try await runtime.remove(status.id, force: true)
        return status.id
    }

    package func reach(_ workerID: String?) async throws -> WorkerReach {
        WorkerReach(runtime: runtime, container: workerID ?? target.containerName)
    }

    package func observe(_ observer: any WorkerEventObserver, ids: Set<String>) {
        self.observer.withLock { $0 = WeakObserver(observer) }
        monitor.attach(self, matching: ids.union([target.containerName]))
    }

    package func stopObserving() {
        monitor.detach(self)
        observer.withLock { $0 = nil }
    }

    package func containerEvent(_ event: ContainerEvent) async {
        guard let action = WorkerEvent.Action(event.action), let observer = observer.withLock({ $0?.value }) else {
            return
        }
        await observer.workerEvent(
            WorkerEvent(workerID: event.containerID, workerName: event.containerName, action: action, time: event.time))
    }

    package func engineReconnected() async {
        await observer.withLock({ $0?.value })?.engineReconnected()
    }
}

extension WorkerStatus {
    /// A container's state as the lifecycle sees it.
    package init(_ container: ContainerStatus) {
        self.init(
            id: container.id, name: container.name, isRunning: container.isRunning, isPaused: container.isPaused,
            hasHealthcheck: container.hasHealthcheck, health: container.health, labels: container.labels)
    }
}

extension WorkerEvent.Action {
    /// The worker event a container event is, or nil for one the lifecycle ignores (health, exec, ...).
    init?(_ action: ContainerEvent.Action) {
        switch action {
        case .start: self = .started
        case .die, .stop: self = .exited
        case .destroy: self = .removed
        case .pause: self = .paused
        case .unpause: self = .unpaused
        case .healthy, .unhealthy, .other: return nil
        }
    }
}
