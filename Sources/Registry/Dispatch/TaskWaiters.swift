import Synchronization

/// Callers waiting for tasks to finish. A caller registers first (synchronously, so no finish can slip in
/// between its check and its wait), then waits; a cancelled wait returns nil at once.
final class TaskWaiters: Sendable {
    private struct Slot {
        var id: String
        var result: TaskRecord?
        var cancelled = false
        var continuation: CheckedContinuation<TaskRecord?, Never>?
    }

    private let state = Mutex((slots: [Int: Slot](), nextToken: 0))

    /// Registers interest in the task; pass the token to `wait(_:)`.
    func register(_ id: String) -> Int {
        state.withLock { state in
            state.nextToken += 1
            state.slots[state.nextToken] = Slot(id: id)
            return state.nextToken
        }
    }

    /// Suspends until the task finishes (its final record) or the calling task is cancelled (nil).
    func wait(_ token: Int) async -> TaskRecord? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ready = state.withLock { state -> (Bool, TaskRecord?) in
                    guard let slot = state.slots[token] else { return (true, nil) }
                    if slot.result != nil || slot.cancelled {
                        state.slots[token] = nil
                        return (true, slot.result)
                    }
                    state.slots[token]?.continuation = continuation
                    return (false, nil)
                }
                if ready.0 { continuation.resume(returning: ready.1) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<TaskRecord?, Never>? in
                state.slots[token]?.cancelled = true
                guard let continuation = state.slots[token]?.continuation else { return nil }
                state.slots[token] = nil
                return continuation
            }
            waiter?.resume(returning: nil)
        }
    }

    /// Resumes (or readies) everyone waiting for this task.
    func finish(_ task: TaskRecord) {
        let waiting = state.withLock { state -> [CheckedContinuation<TaskRecord?, Never>] in
            var resumed: [CheckedContinuation<TaskRecord?, Never>] = []
            for (token, slot) in state.slots where slot.id == task.id {
                if let continuation = slot.continuation {
                    resumed.append(continuation)
                    state.slots[token] = nil
                } else {
                    state.slots[token]?.result = task
                }
            }
            return resumed
        }
        for continuation in waiting { continuation.resume(returning: task) }
    }
}
