import Synchronization

/// Callers waiting for a container to become ready, settled by engine events.
///
/// A ticket is taken *before* the start call so an event that arrives before the caller waits is kept.
final class ReadinessWaiters: Sendable {
    /// What a ticket waits for.
    struct Expectation: Sendable {
        var containerID: String
        var requiresHealthy: Bool
        /// Events older than this (engine nanoseconds) belong to an earlier run of the container.
        var notBefore: ContainerEvent.Timestamp
    }

    private enum Entry {
        case pending(Expectation, CheckedContinuation<Void, any Error>?)
        case settled(Result<Void, ContainerRuntimeError>)
    }

    private let entries = Mutex<(next: UInt64, byTicket: [UInt64: Entry])>((0, [:]))

    func expect(_ expectation: Expectation) -> UInt64 {
        entries.withLock { state in
            state.next += 1
            state.byTicket[state.next] = .pending(expectation, nil)
            return state.next
        }
    }

    /// Waits until the ticket is settled; cancelling the task fails it with `CancellationError`.
    func wait(_ ticket: UInt64) async throws {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let settled: Result<Void, ContainerRuntimeError>? = entries.withLock { state in
                    switch state.byTicket[ticket] {
                    case .pending(let expectation, _):
                        state.byTicket[ticket] = .pending(expectation, continuation)
                        return nil
                    case .settled(let result):
                        state.byTicket[ticket] = nil
                        return result
                    case nil:
                        return .failure(.cancelled("readiness wait was cancelled"))
                    }
                }
                if let settled { continuation.resume(with: settled.mapError { $0 as any Error }) }
            }
        } onCancel: {
            finish(ticket, with: nil)
        }
    }

    /// Forgets a ticket nobody will wait for.
    func cancel(_ ticket: UInt64) {
        entries.withLock { _ = $0.byTicket.removeValue(forKey: ticket) }
    }

    /// Settles the tickets this event decides.
    func deliver(_ event: ContainerEvent) {
        let decided: [UInt64: Result<Void, ContainerRuntimeError>] = entries.withLock { state in
            var decided: [UInt64: Result<Void, ContainerRuntimeError>] = [:]
            for (ticket, entry) in state.byTicket {
                guard case .pending(let expectation, _) = entry, expectation.containerID == event.containerID,
                    event.time >= expectation.notBefore,
                    let result = Self.outcome(of: event, for: expectation)
                else { continue }
                decided[ticket] = result
            }
            return decided
        }
        for (ticket, result) in decided { finish(ticket, with: result) }
    }

    private func finish(_ ticket: UInt64, with result: Result<Void, ContainerRuntimeError>?) {
        let continuation: CheckedContinuation<Void, any Error>? = entries.withLock { state in
            guard case .pending(_, let continuation) = state.byTicket[ticket] else { return nil }
            if let continuation {
                state.byTicket[ticket] = nil
                return continuation
            }
            state.byTicket[ticket] = result.map { .settled($0) }
            return nil
        }
        guard let continuation else { return }
        if let result {
            continuation.resume(with: result.mapError { $0 as any Error })
        } else {
            continuation.resume(throwing: CancellationError())
        }
    }

    private static func outcome(
        of event: ContainerEvent, for expectation: Expectation
    ) -> Result<Void, ContainerRuntimeError>? {
        switch event.action {
        case .start where !expectation.requiresHealthy, .healthy:
            return .success(())
        case .unhealthy:
            return .failure(.notReady("container reported unhealthy before it became ready"))
        case .die(let exitCode):
            let code = exitCode.map { " with exit code \($0)" } ?? ""
            return .failure(.notReady("container exited\(code) before it became ready"))
        case .destroy:
            return .failure(.notFound("container was removed before it became ready"))
        default:
            return nil
        }
    }
}
