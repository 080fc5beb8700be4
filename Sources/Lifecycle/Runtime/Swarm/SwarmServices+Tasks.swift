import Foundation
import NIOHTTP1

/// The tasks of a service: Swarm has no task events, so readiness and external changes are read from here.
extension SwarmServices {
    /// Every task the engine still lists for `service` (pass the id `inspect` gave: the engine's filter also
    /// matches id prefixes), newest first: the current ones and the history Swarm keeps of earlier scale-ups.
    package func tasks(of service: String) async throws -> [SwarmTask] {
        let filter = try Self.filter(["service": [service]])
        let (status, body) = try await engine.request(.GET, "/tasks", query: [("filters", filter)])
        guard status == 200 else { throw Self.error(status: status, body: body) }
        let tasks = try DockerEngineRuntime.decode([SwarmEngineModels.Task].self, from: body).map(\.task)
        return tasks.sorted { ($0.createdAt ?? 0, $0.id) > ($1.createdAt ?? 0, $1.id) }
    }

    /// The newest task that runs and is meant to keep running, or nil.
    package func runningTask(of service: String) async throws -> SwarmTask? {
        try await tasks(of: service).first(where: \.isRunning)
    }

    /// Polls `tasks(of:)` every `interval` on `clock` until a task runs, and returns it; after `timeout` throws
    /// `.notReady` with the newest task's state and error. A bounded poll is the only way to learn this: Swarm
    /// emits no task events. A `signal` (container events of the service's tasks) makes it read again at once.
    package func waitForRunningTask<C: Clock<Duration>>(
        of service: String, every interval: Duration, timeout: Duration, clock: C, signal: SwarmTaskSignal? = nil
    ) async throws -> SwarmTask {
        let tasks = try await waitForTasks(
            of: service, every: interval, timeout: timeout, clock: clock, signal: signal, awaiting: "a running task"
        ) { $0.contains(where: \.isRunning) }
        return tasks.first(where: \.isRunning)!
    }

    /// Polls like `waitForRunningTask` until no task of `service` is in state `running` (after a scale to 0 the
    /// tasks shut down a moment later), and returns the tasks then listed.
    @discardableResult
    package func waitForNoRunningTask<C: Clock<Duration>>(
        of service: String, every interval: Duration, timeout: Duration, clock: C, signal: SwarmTaskSignal? = nil
    ) async throws -> [SwarmTask] {
        try await waitForTasks(
            of: service, every: interval, timeout: timeout, clock: clock, signal: signal, awaiting: "no running task"
        ) {
            !$0.contains { $0.state == .running }
        }
    }

    private func waitForTasks<C: Clock<Duration>>(
        of service: String, every interval: Duration, timeout: Duration, clock: C, signal: SwarmTaskSignal?,
        awaiting wanted: String, until condition: ([SwarmTask]) -> Bool
    ) async throws -> [SwarmTask] {
        let deadline = clock.now.advanced(by: timeout)
        var pace = SwarmTaskSignal.Pace(interval: interval)
        while true {
            // Taken before the read: a change signalled while it runs makes the wait below return at once.
            let seen = signal?.generation
            let tasks = try await tasks(of: service)
            if condition(tasks) { return tasks }
            // Without a signal the next read is a whole interval away; with one it may come at any moment.
            guard clock.now.advanced(by: signal == nil ? interval : .zero) < deadline else {
                let newest = tasks.first.map { "its newest task is \($0.state)" + ($0.error.map { ": \($0)" } ?? "") }
                throw ContainerRuntimeError.notReady(
                    "waited \(timeout) for service \(service) to have \(wanted); " + (newest ?? "it has no task"))
            }
            if let signal, let seen {
                await pace.wait(on: signal, after: seen, clock: clock)
                try Task.checkCancellation()
            } else {
                try await clock.sleep(until: clock.now.advanced(by: interval), tolerance: nil)
            }
        }
    }

    /// An Engine API `filters` value.
    static func filter(_ filters: [String: [String]]) throws -> String {
        let data = try JSONSerialization.data(withJSONObject: filters, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }
}
