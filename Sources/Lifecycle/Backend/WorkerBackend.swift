import Logging

/// Where and how one instance's worker runs, as the lifecycle controller drives it: a container on a Docker
/// engine (`ContainerWorkerBackend`) or a Swarm service kept at zero or one replica. The controller and its
/// state machine know nothing else of the engine: single flight, leases and idle timers are the same for
/// every backend.
///
/// Contract:
/// - `resolve` finds the worker (creating it when Dormouse creates it); a worker this instance may not drive
///   throws `ContainerRuntimeError.notManaged`, a missing one `.notFound`, an engine that does not answer
///   `.engineUnavailable`.
/// - `wake` returns once the worker is ready to take a task (running, and healthy when it has a health check);
///   engine facts from before `notBefore` belong to an earlier run and never count.
/// - `stop` of a stopped worker succeeds.
/// - Events about the worker reach the observer given to `observe`, in the order the engine sent them.
package protocol WorkerBackend: Sendable {
    /// The worker's name on its engine (a container or service name), for logs, errors and matching events.
    var workerName: String { get }
    /// Finds the worker by its id when one is known, else by name; creates (or replaces a stale) one that
    /// Dormouse creates.
    func resolve(knownID: String?, instance: String, logger: Logger) async throws -> WorkerStatus
    /// Starts (or thaws) a resolved worker and returns once it is ready.
    func wake(_ worker: WorkerStatus, notBefore: EngineTimestamp) async throws
    /// Stops the worker, killing it after `grace` if it ignores SIGTERM.
    func stop(_ workerID: String?, grace: Duration) async throws
    /// Whether the worker can be frozen (`pause`) and thawed (`unpause`) with its memory kept; a backend that
    /// cannot (a Swarm service) is stopped instead (the warm tier's fallback).
    var canPause: Bool { get }
    /// Freezes the running worker's processes; throws `.conflict` where `canPause` is false.
    func pause(_ workerID: String?) async throws
    /// Thaws a paused worker.
    func unpause(_ workerID: String?) async throws
    /// The worker's memory in bytes as `docker stats` shows it, read once it is paused (the warm tier's memory
    /// budget); throws `.conflict` where `canPause` is false or the worker is not running, `.notFound` when it does
    /// not exist.
    func memoryUsage(_ workerID: String?) async throws -> UInt64
    /// Reads the worker's state from the engine; throws `.notFound` when it does not exist.
    func inspect(_ workerID: String?) async throws -> WorkerStatus
    /// Why `instance` may not drive `worker`, or nil when it may.
    func refusal(of worker: WorkerStatus, for instance: String) -> String?
    /// Removes the worker Dormouse created for `instance` (stopping it first); returns the removed worker's
    /// id, or nil when there was none of ours to remove. An operator's worker is never removed.
    func removeCreated(for instance: String) async throws -> String?
    /// Where a task reaches the running worker.
    func reach(_ workerID: String?) async throws -> WorkerReach
    /// Routes the engine's events about the worker (under its name, or any of `ids`) to `observer`, replacing
    /// an earlier call's.
    func observe(_ observer: any WorkerEventObserver, ids: Set<String>)
    /// Stops routing events to the observer.
    func stopObserving()
}

/// Engine time in nanoseconds since the Unix epoch.
package typealias EngineTimestamp = Int64

/// What the lifecycle needs to know of a worker's state.
package struct WorkerStatus: Sendable, Hashable {
    /// The engine's id of the worker (container id, service id).
    package var id: String
    package var name: String
    package var isRunning: Bool
    package var isPaused: Bool
    /// The worker defines a health check, so ready means `healthy`.
    package var hasHealthcheck: Bool
    /// `starting`, `healthy` or `unhealthy` when a health check is defined.
    package var health: String?
    package var labels: [String: String]

    package init(
        id: String, name: String, isRunning: Bool, isPaused: Bool = false, hasHealthcheck: Bool = false,
        health: String? = nil, labels: [String: String] = [:]
    ) {
        self.id = id
        self.name = name
        self.isRunning = isRunning
        self.isPaused = isPaused
        self.hasHealthcheck = hasHealthcheck
        self.health = health
        self.labels = labels
    }

    /// Running, and healthy when it has a health check.
    package var isReady: Bool { isRunning && (!hasHealthcheck || health == "healthy") }
}

/// Where a task reaches a running worker: the container to exec into (or POST to) and the engine it is on.
package struct WorkerReach: Sendable {
    /// The engine the worker's container is on; nil when Dormouse reaches none (a Swarm task on a node that is
    /// not among its engines), and then `unreachable` says why.
    package var runtime: (any ContainerRuntime)?
    /// The container's id (or name).
    package var container: String
    /// The host an `http` task is sent to, when it is not the container's address: a Swarm service's name on its
    /// overlay network. Nil: the container's IP address, read from its engine.
    package var httpHost: String?
    /// Why `runtime` is nil.
    package var unreachable: String?

    package init(
        runtime: (any ContainerRuntime)?, container: String, httpHost: String? = nil, unreachable: String? = nil
    ) {
        self.runtime = runtime
        self.container = container
        self.httpHost = httpHost
        self.unreachable = unreachable
    }

    /// The engine, or the reason there is none as a `.notFound` error.
    package func engine() throws -> any ContainerRuntime {
        guard let runtime else {
            throw ContainerRuntimeError.notFound(unreachable ?? "no engine reaches the worker's container \(container)")
        }
        return runtime
    }
}
