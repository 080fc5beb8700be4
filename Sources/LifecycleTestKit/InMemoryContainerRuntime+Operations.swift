import Lifecycle
import Synchronization

/// The `ContainerRuntime` operations of the fake engine.
extension InMemoryContainerRuntime {
    package func ping() async throws -> String {
        guard !state.withLock({ $0.engineDown }) else {
            throw ContainerRuntimeError.engineUnavailable("engine is down")
        }
        return "in-memory engine"
    }

    package func inspect(_ container: String) async throws -> ContainerStatus {
        let found = try record(.inspect(container), operation: "inspect") { state in
            guard let found = Self.find(container, in: state) else {
                throw ContainerRuntimeError.notFound("No such container: \(container)")
            }
            return found
        }
        return ContainerStatus(
            id: found.id, name: found.name, isRunning: found.isRunning, isPaused: found.isPaused,
            hasHealthcheck: found.hasHealthcheck, health: nil, labels: found.labels,
            ipAddress: found.isRunning ? found.ipAddress : nil)
    }

    package func create(_ spec: ContainerSpec) async throws -> String {
        try record(.create(spec.name), operation: "create") { state in
            guard state.images.contains(spec.image) else {
                throw ContainerRuntimeError.notFound("No such image: \(spec.image)")
            }
            guard Self.find(spec.name, in: state) == nil else {
                throw ContainerRuntimeError.conflict("Conflict. The container name \"/\(spec.name)\" is already in use")
            }
            state.nextID += 1
            let id = "c\(state.nextID)"
            state.containers[id] = Container(
                id: id, name: spec.name, image: spec.image, hasHealthcheck: spec.healthcheck != nil,
                labels: spec.labels, ipAddress: Self.ipAddress(state.nextID))
            return id
        }
    }

    package func start(_ container: String) async throws {
        let gate = try record(.start(container), operation: "start") { state in
            guard Self.find(container, in: state) != nil else {
                throw ContainerRuntimeError.notFound("No such container: \(container)")
            }
            return state.startGate
        }
        await gate?.wait()
        let (id, started, emits) = try state.withLock { state in
            guard let found = Self.find(container, in: state) else {
                throw ContainerRuntimeError.notFound("No such container: \(container)")
            }
            let wasRunning = found.isRunning
            state.containers[found.id]?.isRunning = true
            return (found.id, !wasRunning, state.emitStartEvents)
        }
        if started && emits { emit(id, .start) }
    }

    package func stop(_ container: String, timeout: Duration) async throws {
        let gate = try record(.stop(container), operation: "stop") { state in
            guard Self.find(container, in: state) != nil else {
                throw ContainerRuntimeError.notFound("No such container: \(container)")
            }
            return state.stopGate
        }
        await gate?.wait()
        let (id, stopped) = try state.withLock { state in
            guard let found = Self.find(container, in: state) else {
                throw ContainerRuntimeError.notFound("No such container: \(container)")
            }
            // As the engine does: a paused container is stopped too (the signal thaws it).
            state.containers[found.id]?.isRunning = false
            state.containers[found.id]?.isPaused = false
            return (found.id, found.isRunning)
        }
        if stopped {
            emit(id, .die(exitCode: 143))
            emit(id, .stop)
        }
    }

    package func remove(_ container: String, force: Bool) async throws {
        let gate = try record(.remove(container), operation: "remove") { $0.removeGate }
        await gate?.wait()
        let removed = try state.withLock { state -> Container? in
            guard let found = Self.find(container, in: state) else { return nil }
            if found.isRunning && !force {
                throw ContainerRuntimeError.conflict(
                    "You cannot remove a running container \(found.id). Stop the container before attempting removal or force remove"
                )
            }
            state.containers[found.id] = nil
            return found
        }
        guard let removed else { return }
        if removed.isRunning { emit(removed.id, .die(exitCode: 137), name: removed.name) }
        emit(removed.id, .destroy, name: removed.name)
    }

    package func pause(_ container: String) async throws {
        let gate = try record(.pause(container), operation: "pause") { $0.pauseGate }
        await gate?.wait()
        try setPaused(container, true)
        if let id = self.container(container)?.id { emit(id, .pause) }
    }

    package func unpause(_ container: String) async throws {
        let gate = try record(.unpause(container), operation: "unpause") { $0.unpauseGate }
        await gate?.wait()
        try setPaused(container, false)
        if let id = self.container(container)?.id { emit(id, .unpause) }
    }

    package func exec(_ container: String, _ request: ExecRequest) async throws -> ExecResult {
        let handler = try record(.exec(container), operation: "exec") { state in
            guard let found = Self.find(container, in: state) else {
                throw ContainerRuntimeError.notFound("No such container: \(container)")
            }
            guard found.isRunning else {
                throw ContainerRuntimeError.conflict("Container \(found.id) is not running")
            }
            guard !found.isPaused else {
                throw ContainerRuntimeError.conflict(
                    "Container \(found.name) is paused, unpause the container before exec")
            }
            return state.execHandler
        }
        return try await handler(container, request)
    }

    package func memoryUsage(_ container: String) async throws -> UInt64 {
        try record(.memoryUsage(container), operation: "memoryUsage") { state in
            guard let found = Self.find(container, in: state) else {
                throw ContainerRuntimeError.notFound("No such container: \(container)")
            }
            guard found.isRunning else {
                throw ContainerRuntimeError.conflict(
                    "container \(container) is not running: the engine reports no memory for it")
            }
            return found.memoryBytes
        }
    }

    package func events(
        since: ContainerEvent.Timestamp?
    ) async throws -> AsyncThrowingStream<ContainerEvent, any Error> {
        let (stream, continuation) = AsyncThrowingStream<ContainerEvent, any Error>.makeStream()
        let key = try state.withLock { state in
            guard !state.engineDown else { throw ContainerRuntimeError.engineUnavailable("engine is down") }
            state.nextID += 1
            state.subscribers[state.nextID] = continuation
            if let since {
                for event in state.log where event.time >= since { continuation.yield(event) }
            }
            return state.nextID
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: key) }
        }
        return stream
    }

    /// As the engine answers: 409 for pausing a container that is not running or already paused, and for
    /// unpausing one that is not paused.
    private func setPaused(_ container: String, _ paused: Bool) throws {
        try state.withLock { state in
            guard let found = Self.find(container, in: state) else {
                throw ContainerRuntimeError.notFound("No such container: \(container)")
            }
            guard found.isRunning else { throw ContainerRuntimeError.conflict("Container \(found.id) is not running") }
            guard found.isPaused != paused else {
                throw ContainerRuntimeError.conflict(
                    paused ? "Container \(found.id) is already paused" : "Container \(found.id) is not paused")
            }
            state.containers[found.id]?.isPaused = paused
        }
    }

    /// Records the call, then fails it if the engine is down or a failure is injected, else runs `body`.
    private func record<T>(_ call: Call, operation: String, _ body: (inout State) throws -> T) throws -> T {
        try state.withLock { state in
            state.calls.append(call)
            if state.engineDown { throw ContainerRuntimeError.engineUnavailable("engine is down") }
            if let failure = state.failures[operation] { throw failure }
            return try body(&state)
        }
    }

    /// The default exec handler, an echo worker: exit code 0 and the request's `DORMOUSE_PAYLOAD`, cut at the
    /// request's output limit as the engine would.
    @Sendable static func echo(_ container: String, _ request: ExecRequest) async throws -> ExecResult {
        let payload = Array((request.environment["DORMOUSE_PAYLOAD"] ?? "").utf8)
        let limit = max(0, request.outputLimit)
        let truncated = payload.count > limit
        return ExecResult(
            exitCode: 0,
            output: DockerStreamDemultiplexer.decode(Array(payload.prefix(limit)), truncated: truncated),
            outputTruncated: truncated)
    }

    /// A private address per container, `10.0.x.y` from its sequence number.
    static func ipAddress(_ sequence: Int) -> String {
        "10.0.\(sequence / 256 % 256).\(sequence % 256)"
    }
}
