import Logging
import Synchronization

/// A worker that is a Kubernetes Deployment kept at zero or one replica. A wake scales it 0 → 1 through the
/// `scale` subresource and returns once the Deployment's watch shows a ready replica (`status.readyReplicas`, in a
/// status of the current generation): the pod's readiness probe is its health check, and nothing is polled. A
/// sleep scales it to 0 and waits, on the same watch, for its pod to be gone. Scales by others arrive from the
/// watch as `started` and `exited` events.
///
/// A task reaches the worker over `http` at its Service's cluster DNS name; exec into the pod is not supported.
package final class KubernetesWorkerBackend: WorkerBackend, KubernetesDeploymentObserver {
    package let target: KubernetesDeploymentTarget
    let monitor: KubernetesDeploymentMonitor
    let clock: any Clock<Duration>
    let wallClock: WallClock
    /// How long a sleep waits for the pod to go, beyond the stop grace period.
    let shutdownAllowance: Duration
    let logger: Logger
    private let observer = Mutex<WeakObserver?>(nil)

    package init(
        target: KubernetesDeploymentTarget, monitor: KubernetesDeploymentMonitor,
        clock: any Clock<Duration> = ContinuousClock(), wallClock: WallClock = .system,
        shutdownAllowance: Duration = .seconds(30), logger: Logger
    ) {
        self.target = target
        self.monitor = monitor
        self.clock = clock
        self.wallClock = wallClock
        self.shutdownAllowance = shutdownAllowance
        self.logger = logger
    }

    var api: KubernetesAPI { monitor.api }
    var ref: KubernetesDeploymentRef { target.deployment }

    package var workerName: String { target.deployment.name }

    /// Dormouse creates no Deployments: a missing one is `.notFound`, one without the opt-in label `.notManaged`.
    package func resolve(knownID: String?, instance: String, logger: Logger) async throws -> WorkerStatus {
        monitor.follow(ref)
        let found = try await api.deployment(ref)
        if let refusal = target.refusal(labels: found.labels) { throw ContainerRuntimeError.notManaged(refusal) }
        return Self.status(of: found)
    }

    /// Running means scaled up (so a scale by someone else is followed at once); ready, that a pod is ready.
    static func status(of deployment: KubernetesDeploymentSnapshot) -> WorkerStatus {
        WorkerStatus(
            id: deployment.uid, name: deployment.name, isRunning: deployment.isScaledUp, hasHealthcheck: true,
            health: deployment.isReady ? "healthy" : "starting", labels: deployment.labels)
    }

    package func wake(_ worker: WorkerStatus, notBefore: EngineTimestamp) async throws {
        if worker.isReady { return }
        monitor.follow(ref)
        if !worker.isRunning { try await api.scale(ref, to: 1) }
        do {
            // The watch may still show the state from before the scale: a count of 0 fails the wake only once
            // a scaled-up state was seen after it (someone scaled it down again).
            let seenScaledUp = Flag()
            let ready = try await monitor.wait(for: ref) { snapshot in
                guard let snapshot else { return true }
                if snapshot.isScaledUp { seenScaledUp.set() }
                return snapshot.isReady || (!snapshot.isScaledUp && seenScaledUp.isSet)
            }
            guard let ready else { throw ContainerRuntimeError.notFound("deployment \(ref) was deleted during a wake") }
            guard ready.isReady else {
                throw ContainerRuntimeError.notReady("deployment \(ref) was scaled to 0 by someone else during a wake")
            }
        } catch {
            // A lazy worker that did not come up is not left scaled up behind the controller's back; the scale
            // runs on its own task, since this one may be cancelled (the start timeout).
            let (api, logger, ref) = (self.api, self.logger, self.ref)
            Task {
                do { try await api.scale(ref, to: 0) } catch {
                    logger.warning("could not scale a deployment back to 0", metadata: ["error": "\(error)"])
                }
            }
            throw error
        }
    }

    /// Scales to 0, then waits until the watch shows no pod left, for at most `grace` and `shutdownAllowance`.
    package func stop(_ workerID: String?, grace: Duration) async throws {
        try await api.scale(ref, to: 0)
        let (monitor, ref, clock, limit) = (self.monitor, self.ref, self.clock, grace + shutdownAllowance)
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                _ = try await monitor.wait(for: ref) { $0 == nil || $0?.isDown == true }
                return true
            }
            group.addTask {
                try await clock.sleep(for: limit)
                return false
            }
            let done = try await group.next() ?? false
            group.cancelAll()
            if !done {
                throw ContainerRuntimeError.notReady(
                    "deployment \(ref)'s pod was still there \(limit) after the scale to 0")
            }
        }
    }

    /// A Deployment has no pause: it is scaled to 0 instead.
    package var canPause: Bool { false }

    package func pause(_ workerID: String?) async throws {
        throw ContainerRuntimeError.conflict(
            "deployment \(ref) cannot be paused: a Kubernetes worker is scaled to 0 instead")
    }

    package func unpause(_ workerID: String?) async throws {
        throw ContainerRuntimeError.conflict("deployment \(ref) is never paused")
    }

    package func memoryUsage(_ workerID: String?) async throws -> UInt64 {
        throw ContainerRuntimeError.conflict(
            "deployment \(ref) has no memory figure: a Kubernetes worker is never paused, so the warm memory budget"
                + " does not count it")
    }

    package func inspect(_ workerID: String?) async throws -> WorkerStatus {
        Self.status(of: try await api.deployment(ref))
    }

    package func refusal(of worker: WorkerStatus, for instance: String) -> String? {
        target.refusal(labels: worker.labels)
    }

    /// Dormouse creates no Deployments, so it removes none.
    package func removeCreated(for instance: String) async throws -> String? { nil }

    package func reach(_ workerID: String?) async throws -> WorkerReach {
        WorkerReach(
            runtime: nil, container: target.deployment.name, httpHost: target.serviceHost,
            unreachable: "deployment \(ref) runs on Kubernetes, where Dormouse does not exec into pods: use http"
                + " dispatch (to \(target.serviceHost))")
    }

    package func observe(_ observer: any WorkerEventObserver, ids: Set<String>) {
        self.observer.withLock { $0 = WeakObserver(observer) }
        monitor.attach(self, to: ref)
    }

    package func stopObserving() {
        monitor.detach(from: ref)
        observer.withLock { $0 = nil }
    }

    func deploymentChanged(_ action: WorkerEvent.Action, snapshot: KubernetesDeploymentSnapshot?) async {
        guard let observer = observer.withLock({ $0?.value }) else { return }
        await observer.workerEvent(
            WorkerEvent(
                workerID: snapshot?.uid ?? ref.name, workerName: ref.name, action: action,
                time: wallClock.nanosecondsSinceEpoch))
    }

    func deploymentRelisted() async {
        await observer.withLock({ $0?.value })?.engineReconnected()
    }
}

/// A flag set once, read from the watch's waiter condition.
private final class Flag: Sendable {
    private let value = Mutex(false)

    func set() { value.withLock { $0 = true } }

    var isSet: Bool { value.withLock { $0 } }
}
