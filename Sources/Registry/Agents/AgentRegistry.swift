import Foundation
import GRDB
import Lifecycle
import Logging
import ServiceLifecycle
import Synchronization

/// The declared agents, their lifecycle controllers, their task queues and the tasks in flight.
///
/// It owns one `LifecycleController` per container-mode agent (re-created from the database on boot) and
/// runs tasks as a `Service`: each dispatch is persisted, waits its turn under `max_concurrency`, takes a
/// lease (starting a lazy worker), is delivered, recorded and released. On graceful shutdown it stops
/// taking tasks, interrupts the running ones and records them as failed.
package actor AgentRegistry<C: Clock<Duration>>: Service {
    /// One agent's live state.
    struct Entry {
        var stored: StoredAgent
        var controller: LifecycleController<C>?
        var running = 0
        var queue: [Waiting] = []
        /// Dispatches admitted and being written to the database, counted against the queue bound.
        var admitting = 0
        /// The controller is being replaced (a changed container or lifecycle): queued tasks wait for the new one.
        var replacing = false

        var load: Int { running + queue.count + admitting }
    }

    /// A task waiting for a free slot.
    struct Waiting {
        var task: TaskRecord
        var accepted: C.Instant
        /// When it began to wait (for Dormouse's own time per task, which leaves the wait out).
        var since: C.Instant
    }

    /// When a task was accepted and how long it waited for a slot: Dormouse's own time per task leaves the wait out.
    struct Timing: Sendable {
        var accepted: C.Instant
        var queueWait: Duration
    }

    /// Work for the service's task group.
    enum Job: Sendable {
        case run(
            TaskRecord, agentID: Int64, definition: AgentDefinition, controller: LifecycleController<C>?, timing: Timing
        )
        case bringUp(LifecycleController<C>)
        case reconcile(LifecycleController<C>)
    }

    let agentStore: AgentStore
    let taskStore: TaskStore
    let auditLog: SQLiteAuditLog
    /// The engines agents run on, by name; an agent's controller and deliveries use its own.
    package nonisolated let engines: EngineSet
    let delivery: WorkerDelivery
    let listener: any LifecycleEventListener
    let clock: C
    let wallClock: WallClock
    let logger: Logger
    let statistics: TaskStatistics
    /// Whether host-mode agents may be declared and run; when not, stored ones are kept but refused.
    package nonisolated let allowsHostAgents: Bool

    var entries: [String: Entry] = [:]
    /// Agent names in order, dropped when an agent is added or removed (sorting 1,000 names per list showed).
    var sortedNames: [String]?
    /// Names being declared right now, so two concurrent creates of one name cannot both pass.
    var reservedNames: Set<String> = []
    let taskWaiters = TaskWaiters()
    var deliveries: [String: Task<Attempt, Never>] = [:]
    /// Tasks admitted and not yet recorded as finished.
    var unfinished: Set<String> = []
    /// What paused workers hold in all, against `DORMOUSE_WARM_MEMORY_MB`.
    package nonisolated let warmBudget: WarmMemoryBudget<C.Instant>
    /// Set on graceful shutdown: no more tasks are taken or started.
    nonisolated let stopping = Mutex(false)
    nonisolated let jobs: AsyncStream<Job>
    nonisolated let jobsContinuation: AsyncStream<Job>.Continuation

    /// A registry over `database` with one engine, `local`.
    package init(
        database: DatabasePool, auditLog: SQLiteAuditLog, runtime: any ContainerRuntime,
        monitor: ContainerEventMonitor, delivery: WorkerDelivery, listener: any LifecycleEventListener,
        clock: C, wallClock: WallClock = .system, statistics: TaskStatistics = TaskStatistics(),
        allowsHostAgents: Bool = false, warmBudget: WarmMemoryBudget<C.Instant> = WarmMemoryBudget(limitBytes: nil),
        logger: Logger
    ) {
        self.init(
            database: database, auditLog: auditLog, engines: EngineSet(runtime: runtime, monitor: monitor),
            delivery: delivery, listener: listener, clock: clock, wallClock: wallClock, statistics: statistics,
            allowsHostAgents: allowsHostAgents, warmBudget: warmBudget, logger: logger)
    }

    /// A registry over `database`; `listener` receives every lifecycle event after the audit log has it.
    /// Host-mode agents are refused unless `allowsHostAgents`. Paused workers count against `warmBudget`.
    package init(
        database: DatabasePool, auditLog: SQLiteAuditLog, engines: EngineSet, delivery: WorkerDelivery,
        listener: any LifecycleEventListener, clock: C, wallClock: WallClock = .system,
        statistics: TaskStatistics = TaskStatistics(), allowsHostAgents: Bool = false,
        warmBudget: WarmMemoryBudget<C.Instant> = WarmMemoryBudget(limitBytes: nil), logger: Logger
    ) {
        self.warmBudget = warmBudget
        self.agentStore = AgentStore(database: database)
        self.taskStore = TaskStore(database: database)
        self.auditLog = auditLog
        self.engines = engines
        self.delivery = delivery
        self.listener = listener
        self.clock = clock
        self.wallClock = wallClock
        self.statistics = statistics
        self.allowsHostAgents = allowsHostAgents
        self.logger = logger
        (jobs, jobsContinuation) = AsyncStream.makeStream(of: Job.self)
    }

    /// Loads the agents and creates their controllers, and marks tasks a previous run left unfinished as
    /// failed. Call once before serving; containers are read from the engine when `run()` starts.
    package func boot() async throws {
        let interrupted = try await taskStore.failUnfinished(
            at: wallClock.millisecondsSinceEpoch, reason: "interrupted: Dormouse restarted before the task finished")
        if interrupted > 0 {
            logger.warning("tasks interrupted by a restart", metadata: ["task.count": "\(interrupted)"])
        }
        // What the audit log last recorded of each instance, so a transition a kill cut short is reconciled.
        let metrics = try await auditLog.allMetrics()
        for stored in try await agentStore.all() {
            let name = stored.definition.name
            let controller = makeController(for: stored.definition, recorded: metrics[name] ?? .zero)
            entries[name] = Entry(stored: stored, controller: controller)
            sortedNames = nil
        }
        logger.info("agents loaded", metadata: ["agent.count": "\(entries.count)"])
    }

    package func run() async throws {
        for entry in entries.values {
            if let controller = entry.controller { jobsContinuation.yield(kickoff(controller)) }
        }
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for await job in jobs {
                    group.addTask { await self.perform(job) }
                }
                await self.interruptAll()
            }
        } onGracefulShutdown: {
            self.stopping.withLock { $0 = true }
            self.jobsContinuation.finish()
        }
        // What the controllers reported is in the audit table before the registry stops.
        await auditLog.flush()
    }

    private func perform(_ job: Job) async {
        switch job {
        case .run(let task, let agentID, let definition, let controller, let timing):
            await execute(task, agentID: agentID, definition: definition, controller: controller, timing: timing)
        case .bringUp(let controller):
            do {
                _ = try await controller.start(trigger: .boot)
            } catch {
                logger.warning(
                    "could not start a hot worker",
                    metadata: ["agent.name": "\(controller.instance)", "error": "\(error)"])
            }
        case .reconcile(let controller):
            await controller.reconcile()
        }
    }

    /// Refuses a host-mode agent when they are not allowed (`.hostAgentsDisabled`, naming the setting).
    func refuseDisabledHostAgent(_ definition: AgentDefinition) throws {
        if definition.mode == .host && !allowsHostAgents { throw RegistryError.hostAgentsDisabled(definition.name) }
    }

    /// The controller of a container agent, on its engine; `recorded` is what the audit log holds of it (a lazy
    /// worker's controller reports, with the `reconcile` trigger, an engine state that differs from it). None
    /// for an agent whose engine is not configured (its dispatches are refused, see `runnableEngine`).
    func makeController(for definition: AgentDefinition, recorded: InstanceMetrics) -> LifecycleController<C>? {
        guard let engine = engines[definition.engine], let backend = backend(for: definition, on: engine) else {
            return nil
        }
        // Hot workers are neither counted nor audited: their lifecycle_metrics are null.
        let listener: any LifecycleEventListener =
            definition.isLazyContainer ? LifecycleEventListeners([auditLog, self.listener]) : self.listener
        // Only a limited budget needs the paused workers weighed (an engine call per pause).
        let link =
            warmBudget.limitBytes == nil
            ? nil
            : WarmBudgetLink(budget: warmBudget) { [weak self] name in await self?.evictForMemory(name) }
        return LifecycleController(
            instance: definition.name, backend: backend, policy: definition.policy, clock: clock,
            wallClock: wallClock, listener: listener,
            lastRecordedRunning: definition.isLazyContainer ? recorded.recordedRunning : nil, warmBudget: link,
            logger: logger)
    }

    /// Stops `name`'s paused worker because paused workers are over the memory budget (`memory_budget` trigger);
    /// a worker that took a task meanwhile is left running.
    func evictForMemory(_ name: String) async {
        guard let controller = entries[name]?.controller else { return }
        do {
            _ = try await controller.stop(trigger: .memoryBudget)
        } catch {
            logger.warning(
                "could not stop a paused worker over the memory budget",
                metadata: ["agent.name": "\(name)", "error": "\(error)"])
        }
    }

    /// The worker backend of a container agent on `engine`: its container, its Swarm service (nil when the
    /// engine cannot run services), or its Kubernetes Deployment (nil when no cluster is configured).
    private func backend(for definition: AgentDefinition, on engine: EngineSet.Engine) -> (any WorkerBackend)? {
        if let kubernetes = definition.kubernetes {
            guard let monitor = engines.kubernetes else { return nil }
            var logger = logger
            logger[metadataKey: "agent.name"] = "\(definition.name)"
            return KubernetesWorkerBackend(
                target: kubernetes.target(defaultNamespace: monitor.api.connection.namespace), monitor: monitor,
                clock: clock, wallClock: wallClock, logger: logger)
        }
        if let target = definition.target {
            return ContainerWorkerBackend(
                target: target, runtime: engine.runtime, monitor: engine.monitor, clock: clock)
        }
        guard let target = definition.swarmTarget, let services = engine.swarm else { return nil }
        var logger = logger
        logger[metadataKey: "agent.name"] = "\(definition.name)"
        let nodes = engines.nodes
        return SwarmWorkerBackend(
            target: target, monitor: services, nodeRuntime: { await nodes.runtime(forNode: $0) },
            containerMonitors: engines.all.map(\.monitor), clock: clock, logger: logger)
    }
}
