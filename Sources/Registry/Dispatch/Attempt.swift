import Lifecycle

/// One try at running a task: the lease (and the cold start or resume it may cost) and the delivery, bounded by
/// the dispatch timeout. It never throws; its outcome is applied to the task record.
struct Attempt: Sendable {
    /// The delivery outlived `dispatch.timeout_s`.
    struct TimedOut: Error {
        let seconds: Int
    }

    var coldStart: Bool?
    /// Whether the lease waited for a paused worker to be thawed.
    var resumed: Bool?
    /// How long the lease waited for the worker to start or be thawed.
    var wake: Duration?
    var outcome: Result<WorkerDelivery.Result, any Error> = .failure(CancellationError())
    /// The time that was the worker's, not Dormouse's: a lease that waited for the worker to start or be thawed,
    /// and the delivery.
    var workerTime: Duration = .zero

    static func make<C: Clock<Duration>>(
        _ task: TaskRecord, definition: AgentDefinition, controller: LifecycleController<C>?, clock: C,
        delivery: WorkerDelivery
    ) async -> Attempt {
        var attempt = Attempt()
        var leased = false
        do {
            if let controller {
                let asked = clock.now
                let lease: AcquireOutcome
                do {
                    lease = try await controller.acquire()
                } catch {
                    // A start that failed was the worker's time too.
                    attempt.workerTime += asked.duration(to: clock.now)
                    throw error
                }
                leased = true
                attempt.coldStart = lease.isColdStart
                attempt.resumed = false
                if case .resumed = lease { attempt.resumed = true }
                if let wake = lease.wake {
                    attempt.wake = wake
                    attempt.workerTime += asked.duration(to: clock.now)
                }
            }
            // The worker the lease is on, as the controller checked it: never one that took the name since.
            let worker = try await controller?.reach()
            let seconds = definition.dispatch.timeoutSeconds
            let delivering = clock.now
            defer { attempt.workerTime += delivering.duration(to: clock.now) }
            attempt.outcome = .success(
                try await withTimeout(seconds, clock: clock) {
                    try await delivery.deliver(task, to: definition, worker: worker)
                })
        } catch {
            attempt.outcome = .failure(error)
        }
        if leased { await controller?.release() }
        return attempt
    }

    private static func withTimeout<C: Clock<Duration>>(
        _ seconds: Int, clock: C, _ body: @escaping @Sendable () async throws -> WorkerDelivery.Result
    ) async throws -> WorkerDelivery.Result {
        try await withThrowingTaskGroup(of: WorkerDelivery.Result?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await clock.sleep(for: .seconds(seconds))
                return nil
            }
            defer { group.cancelAll() }
            guard let result = try await group.next(), let result else { throw TimedOut(seconds: seconds) }
            return result
        }
    }

    /// Writes the outcome into the task: its status, result and error.
    func apply(to task: inout TaskRecord, interrupted: Bool) {
        task.coldStart = coldStart
        task.resumed = resumed
        task.wakeMilliseconds = wake?.milliseconds
        switch outcome {
        case .success(let result):
            task.exitCode = result.exitCode
            task.httpStatus = result.httpStatus
            task.output = result.output
            task.outputTruncated = result.outputTruncated
            task.status = result.succeeded ? .succeeded : .failed
            if let code = result.exitCode, code != 0 { task.error = "the worker exited with code \(code)" }
            if let status = result.httpStatus, !result.succeeded { task.error = "the worker answered HTTP \(status)" }
        case .failure(let error as TimedOut):
            task.status = .timedOut
            task.error = "the worker did not finish within \(error.seconds) s (dispatch.timeout_s)"
        case .failure(let error):
            task.status = .failed
            task.error = interrupted ? "interrupted: Dormouse shut down while the task ran" : Self.describe(error)
        }
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? ContainerRuntimeError { return error.message }
        return "\(error)"
    }
}
