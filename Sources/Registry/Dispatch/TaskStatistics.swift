import Synchronization

/// Task counts since Dormouse started, for `/metrics`: queued and finished by agent and status.
package final class TaskStatistics: Sendable {
    /// A reading of the counts.
    package struct Snapshot: Sendable, Hashable {
        /// Tasks accepted, by agent.
        package var queued: [String: Int] = [:]
        /// Tasks finished, by agent and final status.
        package var finished: [String: [TaskRecord.Status: Int]] = [:]
    }

    private let state = Mutex(Snapshot())

    package init() {}

    package var snapshot: Snapshot { state.withLock { $0 } }

    func queued(agent: String) {
        state.withLock { $0.queued[agent, default: 0] += 1 }
    }

    func finished(agent: String, status: TaskRecord.Status) {
        state.withLock { $0.finished[agent, default: [:]][status, default: 0] += 1 }
    }
}
