import Logging

/// Starting: resolve (or create) the worker, start it, and wait for the engine to say it is ready.
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
            logger.info("worker started", metadata: ["lifecycle.latency_ms": "\(Int(latency.milliseconds))"])
            await publish(.lazyStart(latency: latency), trigger: startTrigger)
            startTrigger = .dispatch
            apply(machine.startSucceeded(), outcome: .success(.cold(wake: latency)))
        } catch {
            let failure = Self.runtimeError(error)
            logger.warning("worker start failed", metadata: ["error": "\(failure.message)"])
            await publish(.lazyStartFailed(error: failure.message), trigger: startTrigger)
            startTrigger = .dispatch
            apply(machine.startFailed(), outcome: .failure(failure))
        }
    }

    func withStartTimeout(_ body: @escaping @Sendable () async throws -> Void) async throws {
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
                    "worker did not become ready within the start timeout of \(timeout)")
            }
        }
    }

    private func startAndAwaitReady() async throws {
        let worker = try await backend.resolve(knownID: workerID, instance: instance, logger: logger)
        adopt(id: worker.id)
        try await backend.wake(worker, notBefore: eventsSince)
    }

    static func runtimeError(_ error: any Error) -> ContainerRuntimeError {
        if let error = error as? ContainerRuntimeError { return error }
        if error is CancellationError { return .cancelled("start was cancelled") }
        return .engineUnavailable("\(error)")
    }
}
