import Lifecycle
import Synchronization

/// Task counts since Dormouse started, for `/metrics`: queued and finished by agent and status, and Dormouse's
/// own time per task.
package final class TaskStatistics: Sendable {
    /// A reading of the counts.
    package struct Snapshot: Sendable, Hashable {
        /// Tasks accepted, by agent.
        package var queued: [String: Int] = [:]
        /// Tasks finished, by agent and final status.
        package var finished: [String: [TaskRecord.Status: Int]] = [:]
        /// Dormouse's own time per finished task (`AgentRegistry.execute`), in seconds.
        package var overhead = Histogram(bounds: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1])
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

    func overhead(_ duration: Duration) {
        state.withLock { $0.overhead.observe(seconds: max(0, duration.seconds)) }
    }
}
