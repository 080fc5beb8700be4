/// The container engine as the lifecycle needs it. Implementations: `DockerEngineRuntime` (the Docker Engine
/// API over its unix socket) and `InMemoryContainerRuntime` (a behaving fake for unit tests).
///
/// Contract:
/// - `start` of a running container and `stop` of a stopped one succeed (idempotent).
/// - A missing container throws `ContainerRuntimeError` with code `.notFound`; an unreachable engine throws
///   `.engineUnavailable`; every other engine refusal carries the engine's own message.
/// - `events(since:)` returns once the engine has accepted the subscription, with a stream of container
///   events from then on (or from `since`, engine nanoseconds, to replay what a reconnect missed). The
///   stream ends or throws when the engine goes away; the caller resubscribes.
package protocol ContainerRuntime: Sendable {
    /// Checks that the engine answers; returns a description of it (for example `Docker 20.10.24, API 1.41`).
    func ping() async throws -> String
    /// The current state of a container, by name or id.
    func inspect(_ container: String) async throws -> ContainerStatus
    /// Creates a container from an image; returns its id. Throws `.conflict` when the name is taken.
    func create(_ spec: ContainerSpec) async throws -> String
    /// Starts a container and returns once the engine has started its process (readiness comes from events).
    func start(_ container: String) async throws
    /// Stops a container, killing it after `timeout` if it ignores SIGTERM.
    func stop(_ container: String, timeout: Duration) async throws
    /// Removes a container; one that is already gone is not an error. Without `force` a running container is
    /// refused with `.conflict`; with it, the engine kills it first.
    func remove(_ container: String, force: Bool) async throws
    /// Freezes a running container's processes.
    func pause(_ container: String) async throws
    /// Thaws a paused container.
    func unpause(_ container: String) async throws
    /// Container events (start, die, health status, ...), optionally replayed from an engine timestamp.
    func events(since: ContainerEvent.Timestamp?) async throws -> AsyncThrowingStream<ContainerEvent, any Error>
    /// Runs `request.argv` inside the running container (Docker exec) and returns when it exits, with its exit
    /// code and its combined output. Throws `.notFound` for a missing container and `.conflict` for one that is
    /// not running. Cancelling the calling task abandons the wait and ends the process (`DockerEngineRuntime` kills
    /// the exec's process group when this host shares the engine's PID namespace; the engine cannot kill an exec).
    func exec(_ container: String, _ request: ExecRequest) async throws -> ExecResult
    /// The container's memory in bytes as `docker stats` shows it: the cgroup's usage less its inactive page cache.
    /// Reads a paused container too (the warm tier weighs its paused workers). Throws `.notFound` for a missing
    /// container and `.conflict` for one that is not running (the engine has no figure for it).
    func memoryUsage(_ container: String) async throws -> UInt64
}

/// What Dormouse needs to know of a container's state.
package struct ContainerStatus: Sendable, Hashable {
    package var id: String
    package var name: String
    package var isRunning: Bool
    package var isPaused: Bool
    /// The image or container defines a HEALTHCHECK, so readiness means `healthy`.
    package var hasHealthcheck: Bool
    /// `starting`, `healthy` or `unhealthy` when a healthcheck is defined.
    package var health: String?
    package var labels: [String: String]
    /// The container's address on its (first) network while it runs; nil when stopped or without a network.
    package var ipAddress: String?

    package init(
        id: String, name: String, isRunning: Bool, isPaused: Bool = false, hasHealthcheck: Bool = false,
        health: String? = nil, labels: [String: String] = [:], ipAddress: String? = nil
    ) {
        self.id = id
        self.name = name
        self.isRunning = isRunning
        self.isPaused = isPaused
        self.hasHealthcheck = hasHealthcheck
        self.health = health
        self.labels = labels
        self.ipAddress = ipAddress
    }
}

/// How to create a container Dormouse manages.
package struct ContainerSpec: Sendable, Hashable {
    package var name: String
    package var image: String
    /// Replaces the image's CMD when set.
    package var command: [String]?
    package var environment: [String: String]
    package var labels: [String: String]
    /// A container-level healthcheck command (`CMD` form); nil keeps the image's own.
    package var healthcheck: [String]?
    /// Run docker-init as PID 1 so SIGTERM is honoured and stops are fast.
    package var useInit: Bool
    /// The engine starts the container again when it exits on its own (restart policy `unless-stopped`), as a
    /// hot worker needs; a stop through the API (Dormouse's or an operator's) is left alone.
    package var restartsOnExit: Bool

    package init(
        name: String, image: String, command: [String]? = nil, environment: [String: String] = [:],
        labels: [String: String] = [:], healthcheck: [String]? = nil, useInit: Bool = true,
        restartsOnExit: Bool = false
    ) {
        self.name = name
        self.image = image
        self.command = command
        self.environment = environment
        self.labels = labels
        self.healthcheck = healthcheck
        self.useInit = useInit
        self.restartsOnExit = restartsOnExit
    }
}

/// One container event from the engine's event stream.
package struct ContainerEvent: Sendable, Hashable {
    /// Engine time in nanoseconds since the Unix epoch.
    package typealias Timestamp = Int64

    /// The actions the lifecycle reacts to; everything else is `.other`.
    package enum Action: Sendable, Hashable {
        case start
        case die(exitCode: Int?)
        case stop
        case healthy
        case unhealthy
        case pause
        case unpause
        case destroy
        case other(String)
    }

    package var containerID: String
    package var containerName: String?
    package var action: Action
    package var time: Timestamp
    /// The Swarm service whose task the container runs (its `com.docker.swarm.service.id` label), if any.
    package var swarmServiceID: String?

    package init(
        containerID: String, containerName: String?, action: Action, time: Timestamp, swarmServiceID: String? = nil
    ) {
        self.containerID = containerID
        self.containerName = containerName
        self.action = action
        self.time = time
        self.swarmServiceID = swarmServiceID
    }
}
