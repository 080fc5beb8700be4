import Logging

/// Starting: resolve (or create) the container, start it, and wait for the engine to say it is ready.
extension LifecycleController {
    func beginStart() {
        stateEpoch &+= 1
        transition = Task { await self.performStart() }
    }

    /// Starts the container if it is stopped, as `acquire` would, without keeping a lease: a lazy worker
    /// then idles out as after a dispatch. Returns how the container came to be running.
    package func start(trigger: LifecycleTrigger) async throws -> AcquireOutcome {
        let outcome = try await acquire(trigger: trigger)
        release()
        return outcome
    }

    private func performStart() async {
        let began = clock.now
        eventsSince = wallClock.nanosecondsSinceEpoch
        do {
            try await withStartTimeout { try await self.startAndAwaitReady() }
            let latency = began.duration(to: clock.now)
            logger.info("container started", metadata: ["lifecycle.latency_ms": "\(Int(latency.milliseconds))"])
            await publish(.lazyStart(latency: latency), trigger: startTrigger)
            startTrigger = .dispatch
            apply(machine.startSucceeded(), outcome: .success(.cold(wake: latency)))
        } catch {
            let failure = Self.runtimeError(error)
            logger.warning("container start failed", metadata: ["error": "\(failure.message)"])
            await publish(.lazyStartFailed(error: failure.message), trigger: startTrigger)
            startTrigger = .dispatch
            apply(machine.startFailed(), outcome: .failure(failure))
        }
    }

    private func withStartTimeout(_ body: @escaping @Sendable () async throws -> Void) async throws {
        let timeout = policy.startTimeout
        let clock = self.clock
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await body()
                return true
            }
            group.addTask {
                try await clock.sleep(for: timeout)
                return false
            }
            defer { group.cancelAll() }
            guard try await group.next() == true else {
                throw ContainerRuntimeError.notReady(
                    "container did not become ready within the start timeout of \(timeout)")
            }
        }
    }

    private func startAndAwaitReady() async throws {
        let status = try await resolveContainer()
        if status.isPaused {
            try await runtime.unpause(status.id)
            return
        }
        let healthy = !status.hasHealthcheck || status.health == "healthy"
        if status.isRunning && healthy { return }
        let stream = monitor.subscriptionMark
        let ticket = monitor.readiness.expect(
            .init(containerID: status.id, requiresHealthy: status.hasHealthcheck, notBefore: eventsSince))
        do {
            if !status.isRunning { try await runtime.start(status.id) }
        } catch {
            monitor.readiness.cancel(ticket)
            throw error
        }
        try await awaitReady(ticket, containerID: status.id, requiresHealthy: status.hasHealthcheck, stream: stream)
    }

    /// Finds the container, creating it from the image when Dormouse manages it and it does not exist yet.
    /// A container that exists under the wanted name but lacks this agent's label is never touched; one of
    /// ours that was created from an earlier definition is removed and created again. Starting means no lease
    /// is held, so no dispatched task runs in it (a running one is a hot worker from before the change, or a
    /// container someone else started).
    private func resolveContainer() async throws -> ContainerStatus {
        let found: ContainerStatus
        do {
            found = try await runtime.inspect(containerID ?? target.containerName)
        } catch let error as ContainerRuntimeError where error.isNotFound {
            guard case .managed(let spec) = target else { throw error }
            return try await create(spec)
        }
        if let refusal = target.refusal(of: found, for: instance) {
            throw ContainerRuntimeError.notManaged(refusal)
        }
        if case .managed(let spec) = target, !ContainerLabels.isCurrent(found.labels, for: spec) {
            logger.info(
                "container replaced: the agent's container definition changed",
                metadata: ["container.id": "\(found.id)"])
            try await runtime.remove(found.id, force: true)
            return try await create(spec)
        }
        adopt(found)
        return found
    }

    private func create(_ spec: ContainerSpec) async throws -> ContainerStatus {
        var spec = spec
        containerID = nil
        spec.labels.merge(ContainerLabels.forInstance(instance, spec: spec)) { _, ours in ours }
        let id = try await runtime.create(spec)
        logger.info("container created", metadata: ["container.id": "\(id)", "container.image": "\(spec.image)"])
        let status = try await runtime.inspect(id)
        adopt(status)
        return status
    }

    static func runtimeError(_ error: any Error) -> ContainerRuntimeError {
        if let error = error as? ContainerRuntimeError { return error }
        if error is CancellationError { return .cancelled("start was cancelled") }
        return .engineUnavailable("\(error)")
    }
}
