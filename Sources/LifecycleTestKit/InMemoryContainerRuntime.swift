import Lifecycle
import Synchronization

/// A behaving in-memory `ContainerRuntime` for tests: containers with state, an event stream, counted calls,
/// injectable failures, and gates that hold a start or stop until the test opens them.
package final class InMemoryContainerRuntime: ContainerRuntime {
    /// A container as the fake engine keeps it.
    package struct Container: Sendable, Hashable {
        package var id: String
        package var name: String
        package var image: String
        package var isRunning = false
        package var isPaused = false
        package var hasHealthcheck = false
        package var labels: [String: String] = [:]
        /// The address `inspect` reports while the container runs.
        package var ipAddress: String?
        /// What `memoryUsage` reports while the container runs (paused or not).
        package var memoryBytes = InMemoryContainerRuntime.defaultMemoryBytes
    }

    /// A container's memory until `setMemoryUsage` says otherwise: 16 MiB, about what a small worker holds.
    package static let defaultMemoryBytes: UInt64 = 16 * 1024 * 1024

    /// The calls made, in order, for assertions.
    package enum Call: Sendable, Hashable {
        case inspect(String), create(String), start(String), stop(String), pause(String), unpause(String)
        case exec(String), remove(String), memoryUsage(String)
    }

    struct State {
        var containers: [String: Container] = [:]
        var images: Set<String> = []
        var calls: [Call] = []
        var failures: [String: ContainerRuntimeError] = [:]
        var startGate: Gate?
        var stopGate: Gate?
        var removeGate: Gate?
        var pauseGate: Gate?
        var unpauseGate: Gate?
        var subscribers: [Int: AsyncThrowingStream<ContainerEvent, any Error>.Continuation] = [:]
        /// Recent events, for subscriptions that replay with `since`.
        var log: [ContainerEvent] = []
        var nextID = 0
        var emitted = 0
        var engineDown = false
        var emitStartEvents = true
        var execHandler: @Sendable (String, ExecRequest) async throws -> ExecResult = InMemoryContainerRuntime.echo
    }

    let state = Mutex(State())
    package let wallClock: WallClock

    package init(images: Set<String> = [], wallClock: WallClock = .system) {
        self.wallClock = wallClock
        state.withLock { $0.images = images }
    }

    // MARK: Arranging the fake engine

    /// Adds an existing container as an operator would have created it: opted in to Dormouse
    /// (`dev.dormouse.enable=true`) unless `labels` says otherwise.
    @discardableResult
    package func addContainer(
        name: String, image: String = "test", running: Bool = false, hasHealthcheck: Bool = false,
        labels: [String: String] = [ContainerLabels.enable: "true"]
    ) -> String {
        state.withLock { state in
            state.nextID += 1
            let id = "c\(state.nextID)"
            state.containers[id] = Container(
                id: id, name: name, image: image, isRunning: running, hasHealthcheck: hasHealthcheck, labels: labels,
                ipAddress: Self.ipAddress(state.nextID))
            return id
        }
    }

    /// Answers every later `exec` of a running container with `handler`, called with the container as the caller
    /// named it. The default echoes: exit code 0, output `DORMOUSE_PAYLOAD` from the request's environment.
    package func setExecHandler(_ handler: @escaping @Sendable (String, ExecRequest) async throws -> ExecResult) {
        state.withLock { $0.execHandler = handler }
    }

    /// Sets what `memoryUsage` reports for a container (by id or name); false when there is no such container.
    @discardableResult
    package func setMemoryUsage(_ idOrName: String, bytes: UInt64) -> Bool {
        state.withLock { state in
            guard let found = Self.find(idOrName, in: state) else { return false }
            state.containers[found.id]?.memoryBytes = bytes
            return true
        }
    }

    /// Makes the next calls of `operation` ("start", "stop", "create", "inspect", "exec", "remove", "memoryUsage")
    /// fail with `error` until `clearFailure` is called.
    package func fail(_ operation: String, with error: ContainerRuntimeError) {
        state.withLock { $0.failures[operation] = error }
    }

    package func clearFailure(_ operation: String) {
        _ = state.withLock { $0.failures.removeValue(forKey: operation) }
    }

    /// Holds every `start` until the returned gate is opened.
    package func holdStarts() -> Gate {
        let gate = Gate()
        state.withLock { $0.startGate = gate }
        return gate
    }

    /// Holds every `stop` until the returned gate is opened.
    package func holdStops() -> Gate {
        let gate = Gate()
        state.withLock { $0.stopGate = gate }
        return gate
    }

    /// Holds every `pause` until the returned gate is opened.
    package func holdPauses() -> Gate {
        let gate = Gate()
        state.withLock { $0.pauseGate = gate }
        return gate
    }

    /// Holds every `unpause` until the returned gate is opened.
    package func holdUnpauses() -> Gate {
        let gate = Gate()
        state.withLock { $0.unpauseGate = gate }
        return gate
    }

    /// Holds every `remove` until the returned gate is opened.
    package func holdRemoves() -> Gate {
        let gate = Gate()
        state.withLock { $0.removeGate = gate }
        return gate
    }

    /// With `false`, started containers stay silent (readiness then needs a health event from the test).
    package func setEmitsStartEvents(_ emits: Bool) {
        state.withLock { $0.emitStartEvents = emits }
    }

    /// Simulates the engine going away: subscriptions end with an error and calls fail until `restartEngine`.
    /// With `stoppingContainers`, it stops every running container as it shuts down, and the events of those
    /// stops are lost with it (an engine keeps its events in memory), as a `systemctl restart docker` does.
    package func stopEngine(stoppingContainers: Bool = false) {
        let subscribers = state.withLock { state in
            state.engineDown = true
            if stoppingContainers {
                for id in state.containers.keys { state.containers[id]?.isRunning = false }
            }
            defer { state.subscribers = [:] }
            return Array(state.subscribers.values)
        }
        for subscriber in subscribers {
            subscriber.finish(throwing: ContainerRuntimeError.engineUnavailable("engine stopped"))
        }
    }

    package func restartEngine() {
        state.withLock { $0.engineDown = false }
    }

    /// Simulates something outside Dormouse: `docker stop` or a crash.
    package func externallyStop(_ id: String, exitCode: Int = 0) {
        guard setRunning(id, false) else { return }
        emit(id, .die(exitCode: exitCode))
    }

    /// Emits an event for a container, as the engine would; `name` names one that is already gone.
    package func emit(_ id: String, _ action: ContainerEvent.Action, name: String? = nil) {
        let time = wallClock.nanosecondsSinceEpoch
        // Delivered under the lock so a subscription's replay and the live events keep their order.
        state.withLock { state in
            let event = ContainerEvent(
                containerID: id, containerName: name ?? state.containers[id]?.name, action: action, time: time)
            state.log.append(event)
            state.emitted += 1
            if state.log.count > 10_000 { state.log.removeFirst(state.log.count - 10_000) }
            for subscriber in state.subscribers.values { subscriber.yield(event) }
        }
    }

    // MARK: Reading it back

    package var calls: [Call] { state.withLock { $0.calls } }

    package func callCount(_ matching: (Call) -> Bool) -> Int { calls.filter(matching).count }

    package var startCount: Int {
        callCount {
            if case .start = $0 { return true }
            return false
        }
    }

    package var stopCount: Int {
        callCount {
            if case .stop = $0 { return true }
            return false
        }
    }

    package var removeCount: Int {
        callCount {
            if case .remove = $0 { return true }
            return false
        }
    }

    package func container(_ idOrName: String) -> Container? {
        state.withLock { Self.find(idOrName, in: $0) }
    }

    /// How many events the engine has emitted, to wait until a subscriber has seen all of them.
    package var emittedCount: Int { state.withLock { $0.emitted } }

    package var subscriberCount: Int { state.withLock { $0.subscribers.count } }

    static func find(_ idOrName: String, in state: State) -> Container? {
        state.containers[idOrName] ?? state.containers.values.first { $0.name == idOrName }
    }

    private func setRunning(_ id: String, _ running: Bool) -> Bool {
        state.withLock { state in
            guard state.containers[id] != nil else { return false }
            state.containers[id]?.isRunning = running
            return true
        }
    }
}
