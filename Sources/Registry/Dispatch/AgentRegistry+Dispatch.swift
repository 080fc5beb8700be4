import Foundation
import Lifecycle
import Logging
import Synchronization

/// Dispatch: admit, queue in order under `max_concurrency`, lease, deliver, record, release.
extension AgentRegistry {
    /// Accepts a task for the agent: persisted as `queued` and run when its turn comes. Throws `.notFound`,
    /// `.invalid` (a payload the worker cannot take), `.queueFull`, `.engineUnavailable` (a stopped
    /// container agent while its engine is unreachable, or an agent whose engine is not configured), `.conflict`
    /// (a Swarm agent on an engine that cannot run services), `.hostAgentsDisabled` (a stored host-mode agent on a
    /// server that no longer allows them) or `.shuttingDown`.
    package func dispatch(to name: String, payload: JSONValue) async throws -> TaskRecord {
        let accepted = clock.now
        try refuseWhenStopping()
        guard let found = entries[name] else { throw RegistryError.agentNotFound(name) }
        try refuseDisabledHostAgent(found.stored.definition)
        // Whatever is stored must read back: a parsed payload is within the limit already, one built in code
        // is checked here.
        if payload.nestingDepth() > JSONValue.maximumDepth {
            throw RegistryError.invalid([
                .init(field: "payload", message: "nested deeper than \(JSONValue.maximumDepth) levels (the limit)")
            ])
        }
        if let problem = WorkerDelivery.payloadProblem(payload, for: found.stored.definition) {
            throw RegistryError.invalid([.init(field: "payload", message: problem)])
        }
        let engine = try runnableEngine(of: found.stored.definition)
        // A stopped worker needs the engine: refuse now (503, retry later) rather than accept a task that fails.
        if let engine, let controller = found.controller, controller.phase == .stopped {
            do {
                _ = try await engine.runtime.ping()
            } catch {
                throw RegistryError(
                    .engineUnavailable,
                    "the container engine \"\(engine.name)\" is unreachable; agent \"\(name)\" cannot start: \(error)")
            }
        }
        // Re-read after the awaits: the bound is checked and the slot taken in one step.
        guard let entry = entries[name], entry.stored.id == found.stored.id else {
            throw RegistryError.agentNotFound(name)
        }
        let definition = entry.stored.definition
        guard entry.load < definition.maxConcurrency + definition.maxQueue else {
            throw RegistryError(
                .queueFull, "agent \"\(name)\" has \(entry.queue.count) tasks queued, its limit (max_queue)")
        }
        let agentID = entry.stored.id
        var task = TaskRecord(
            id: UUID().uuidString.lowercased(), agent: name, payload: payload,
            createdAt: wallClock.millisecondsSinceEpoch)
        // A task with a free slot and nothing queued before it takes the slot now and is written as `running` in
        // its insert: one database write fewer per dispatch than writing `queued` and then `running`. Others
        // are written `queued` and wait their turn.
        let runsAtOnce =
            entry.queue.isEmpty && entry.admitting == 0 && !entry.replacing
            && entry.running < definition.maxConcurrency
        if runsAtOnce {
            task.status = .running
            task.startedAt = task.createdAt
            entries[name]?.running += 1
        } else {
            entries[name]?.admitting += 1
        }
        unfinished.insert(task.id)
        let outcome: Result<Void, any Error>
        do {
            try await taskStore.insert(task, agentID: agentID)
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        let sameAgent = entries[name]?.stored.id == agentID
        // What the task held through its insert is given back: a task that runs at once takes its slot again
        // below, from the front of the queue.
        if sameAgent {
            if runsAtOnce { entries[name]?.running -= 1 } else { entries[name]?.admitting -= 1 }
        }
        guard case .success = outcome, sameAgent, !stopping.withLock({ $0 }) else {
            if sameAgent { pump(name) }
            if case .failure(let error) = outcome {
                unfinished.remove(task.id)
                throw error
            }
            var orphan = task
            orphan.status = .failed
            orphan.error = "the agent was deleted or Dormouse shut down before the task ran"
            await finishRecord(&orphan)
            try refuseWhenStopping()
            throw RegistryError.agentNotFound(name)
        }
        statistics.queued(agent: name)
        let waiting = Waiting(task: task, accepted: accepted, since: clock.now)
        // Ahead of any task queued during the insert: its record already says running.
        if runsAtOnce { entries[name]?.queue.insert(waiting, at: 0) } else { entries[name]?.queue.append(waiting) }
        pump(name)
        // The record as written: reading it back cost a database round trip on every dispatch.
        return task
    }

    /// Waits until the task has finished and returns it; if the wait is cancelled first, the task as it
    /// is then. Nil for an unknown id.
    package func waitForTask(_ id: String) async throws -> TaskRecord? {
        // `finishRecord` removes the id only once the final state is written, so a task not in `unfinished`
        // reads back finished (or unknown); one in it is waited for without a database read.
        guard unfinished.contains(id) else { return try await taskStore.task(id: id) }
        let token = taskWaiters.register(id)
        if let finished = await taskWaiters.wait(token) { return finished }
        return try await taskStore.task(id: id)
    }

    /// A task by id.
    package func task(_ id: String) async throws -> TaskRecord? {
        try await taskStore.task(id: id)
    }

    /// The agent's tasks, newest first.
    package func tasks(of name: String, status: TaskRecord.Status?, before: String?, limit: Int) async throws
        -> [TaskRecord]
    {
        guard let entry = entries[name] else { throw RegistryError.agentNotFound(name) }
        return try await taskStore.tasks(agentID: entry.stored.id, status: status, before: before, limit: limit)
    }

    private func refuseWhenStopping() throws {
        if stopping.withLock({ $0 }) { throw RegistryError(.shuttingDown, "Dormouse is shutting down") }
    }

    /// Starts queued tasks while the agent has room.
    func pump(_ name: String) {
        guard !stopping.withLock({ $0 }), var entry = entries[name], !entry.replacing else { return }
        while entry.running < entry.stored.definition.maxConcurrency, !entry.queue.isEmpty {
            let waiting = entry.queue.removeFirst()
            entry.running += 1
            let timing = Timing(accepted: waiting.accepted, queueWait: waiting.since.duration(to: clock.now))
            let job = Job.run(
                waiting.task, agentID: entry.stored.id, definition: entry.stored.definition,
                controller: entry.controller, timing: timing)
            if case .terminated = jobsContinuation.yield(job) {
                entry.running -= 1
                entry.queue.insert(waiting, at: 0)
                break
            }
        }
        entries[name] = entry
    }

    func execute(
        _ queued: TaskRecord, agentID: Int64, definition: AgentDefinition, controller: LifecycleController<C>?,
        timing: Timing
    ) async {
        var task = queued
        // A task that ran at once was inserted as `running`; one that waited in the queue is marked now.
        let wasQueued = task.status == .queued
        task.status = .running
        if wasQueued { task.startedAt = wallClock.millisecondsSinceEpoch }
        // `running` is written while the task is delivered, not before: it is for readers, and a restart fails
        // a task found queued or running alike. The final state is written after it, never overtaken by it.
        let running = task
        let markedRunning = wasQueued ? Task { await self.persist(running) } : nil
        // The attempt runs in a task of its own so shutdown can interrupt it while this one still records
        // the outcome (a cancelled task could not write to the database).
        let attempt = Task { [clock, delivery] in
            await Attempt.make(
                running, definition: definition, controller: controller, clock: clock, delivery: delivery)
        }
        deliveries[task.id] = attempt
        let outcome = await attempt.value
        deliveries[task.id] = nil
        outcome.apply(to: &task, interrupted: stopping.withLock { $0 })
        await markedRunning?.value
        await finishRecord(&task)
        let total = timing.accepted.duration(to: clock.now)
        statistics.overhead(total - timing.queueWait - outcome.workerTime)
        finished(task, agentID: agentID)
    }

    /// Frees the task's slot and starts the next queued one.
    private func finished(_ task: TaskRecord, agentID: Int64) {
        statistics.finished(agent: task.agent, status: task.status)
        guard entries[task.agent]?.stored.id == agentID else { return }
        entries[task.agent]?.running -= 1
        pump(task.agent)
    }

    /// Records a finished task and wakes whoever waits for it.
    func finishRecord(_ task: inout TaskRecord) async {
        if task.finishedAt == nil { task.finishedAt = wallClock.millisecondsSinceEpoch }
        await persist(task)
        unfinished.remove(task.id)
        taskWaiters.finish(task)
    }

    func persist(_ task: TaskRecord) async {
        do {
            try await taskStore.update(task)
        } catch {
            logger.error(
                "could not record a task",
                metadata: [
                    "task.id": "\(task.id)", "agent.name": "\(task.agent)", "task.status": "\(task.status.rawValue)",
                    "error": "\(LoggedError(error))",
                ])
        }
    }

    /// Shutdown: running deliveries are interrupted, controllers retired (waiting acquirers released), queued
    /// tasks failed.
    func interruptAll() async {
        stopping.withLock { $0 = true }
        for attempt in deliveries.values { attempt.cancel() }
        for name in entries.keys.sorted() {
            await entries[name]?.controller?.shutdown()
            let queue = entries[name]?.queue ?? []
            entries[name]?.queue = []
            for var task in queue.map(\.task) {
                task.status = .failed
                task.error = "interrupted: Dormouse shut down before the task ran"
                await finishRecord(&task)
            }
        }
    }
}
