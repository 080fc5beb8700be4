import Lifecycle
import Logging

/// Declaring, reading, changing and deleting agents.
extension AgentRegistry {
    /// Declares an agent; a container agent gets its controller (and a hot one is started in the background).
    /// An existing container it may not drive is refused (`.invalid`, see `checkContainerAdmission`).
    package func create(_ definition: AgentDefinition) async throws -> AgentView {
        try definition.validate()
        try refuseDisabledHostAgent(definition)
        try checkEngine(of: definition)
        try await checkContainerAdmission(of: definition)
        let name = definition.name
        guard entries[name] == nil, !reservedNames.contains(name) else {
            throw RegistryError(.nameTaken, "an agent named \"\(name)\" already exists")
        }
        reservedNames.insert(name)
        defer { reservedNames.remove(name) }
        let stored = try await agentStore.insert(definition, at: wallClock.millisecondsSinceEpoch)
        // Counters left by an agent of this name that was deleted while a write was in flight start from zero.
        try await auditLog.forget(name)
        install(Entry(stored: stored, controller: makeController(for: definition, recorded: .zero)))
        logger.info("agent declared", metadata: ["agent.name": "\(name)", "agent.mode": "\(definition.mode)"])
        return try await view(of: name)
    }

    /// Replaces an agent's definition. A change to its container or lifecycle replaces its controller,
    /// which is refused (`.conflict`) while tasks are running or queued; a container Dormouse created for the
    /// old definition is removed, so the next start creates it from the new one.
    package func update(_ definition: AgentDefinition) async throws -> AgentView {
        try definition.validate()
        try refuseDisabledHostAgent(definition)
        try checkEngine(of: definition)
        let name = definition.name
        let previous = entries[name]?.stored.definition
        if previous.map({ !$0.drivesTheSameWorker(as: definition) }) ?? true {
            try await checkContainerAdmission(of: definition)
        }
        guard var entry = entries[name] else { throw RegistryError.agentNotFound(name) }
        let old = entry.stored.definition
        let replacesController =
            !old.drivesTheSameWorker(as: definition) || old.policy != definition.policy
            || old.mode != definition.mode
        if replacesController && (entry.load > 0 || entry.replacing) {
            throw RegistryError(
                .conflict,
                entry.replacing
                    ? "agent \"\(name)\" is being changed; try again when that change is done"
                    : "agent \"\(name)\" has \(entry.load) tasks running or queued; change its container or lifecycle when it is idle"
            )
        }
        if replacesController { entries[name]?.replacing = true }
        defer {
            // Only the change that set the mark clears it: a plain patch may come in while a replacement waits.
            if replacesController { entries[name]?.replacing = false }
            pump(name)
        }
        entry.stored.definition = definition
        entry.stored.updatedAt = wallClock.millisecondsSinceEpoch
        try await agentStore.update(entry.stored)
        // Every await may let a delete or a dispatch in: write back only what this change owns.
        guard entries[name]?.stored.id == entry.stored.id else { throw RegistryError.agentNotFound(name) }
        entries[name]?.stored = entry.stored
        if replacesController {
            if let retiring = entry.controller {
                await retiring.shutdown()
                if !old.drivesTheSameWorker(as: definition) {
                    await removeContainer(of: retiring)
                }
            }
            // What the retired controller reported is what the new one starts from.
            let recorded = (try? await auditLog.metrics(for: name)) ?? .zero
            guard entries[name]?.stored.id == entry.stored.id else { throw RegistryError.agentNotFound(name) }
            let controller = makeController(for: definition, recorded: recorded)
            entries[name]?.controller = controller
            if let controller { jobsContinuation.yield(kickoff(controller)) }
        }
        return try await view(of: name)
    }

    /// Deletes an agent: queued tasks fail, the controller is retired, a container Dormouse created for it is
    /// removed (a running task then fails with the engine's error) and the counters are dropped so an agent
    /// declared again under the name starts from zero. An operator's own container is left as it is.
    package func delete(_ name: String) async throws {
        guard let entry = entries.removeValue(forKey: name) else { throw RegistryError.agentNotFound(name) }
        sortedNames = nil
        if let controller = entry.controller {
            await controller.shutdown()
            await removeContainer(of: controller)
        }
        for var task in entry.queue.map(\.task) {
            task.status = .failed
            task.error = "the agent was deleted before the task ran"
            await finishRecord(&task)
        }
        try await agentStore.delete(id: entry.stored.id)
        try await auditLog.forget(name)
        logger.info("agent deleted", metadata: ["agent.name": "\(name)"])
    }

    /// Removes the container a retired controller created; an engine that cannot do it now is logged, and the
    /// container is then replaced at the next start of an agent of that name (its definition label differs)
    /// or left for the operator.
    private func removeContainer(of controller: LifecycleController<C>) async {
        do {
            try await controller.removeManagedContainer()
        } catch {
            logger.warning(
                "could not remove the agent's container",
                metadata: [
                    "agent.name": "\(controller.instance)", "worker.name": "\(controller.workerName)",
                    "error": "\(error)",
                ])
        }
    }

    /// One agent with its live state.
    package func agent(_ name: String) async throws -> AgentView {
        try await view(of: name)
    }

    /// Every agent with its live state, by name.
    package func agents() async throws -> [AgentView] {
        let metrics = try await auditLog.allMetrics()
        var views: [AgentView] = []
        views.reserveCapacity(entries.count)
        let names = sortedNames ?? entries.keys.sorted()
        sortedNames = names
        for name in names {
            guard let entry = entries[name] else { continue }
            views.append(view(of: entry, metrics: metrics[name] ?? .zero))
        }
        return views
    }

    /// The agent's audit history since it was declared (an earlier agent of the same name is not shown).
    package func events(of name: String, afterID: Int64, limit: Int) async throws -> [AuditRecord] {
        guard let entry = entries[name] else { throw RegistryError.agentNotFound(name) }
        return try await auditLog.events(
            instance: name, afterID: afterID, notBefore: entry.stored.createdAt, limit: limit)
    }

    /// The stored agent (for callers that merge a patch into its definition).
    package func stored(_ name: String) throws -> StoredAgent {
        guard let entry = entries[name] else { throw RegistryError.agentNotFound(name) }
        return entry.stored
    }

    func view(of name: String) async throws -> AgentView {
        guard let entry = entries[name] else { throw RegistryError.agentNotFound(name) }
        let metrics = entry.stored.definition.isLazyContainer ? try await auditLog.metrics(for: name) : .zero
        return view(of: entry, metrics: metrics)
    }

    private func view(of entry: Entry, metrics: InstanceMetrics) -> AgentView {
        let lazy = entry.stored.definition.isLazyContainer
        let phase = lazy ? entry.controller?.phase : nil
        return AgentView(
            agent: entry.stored, lifecycleState: phase, lifecycleMetrics: lazy ? metrics : nil, inFlight: entry.running,
            queued: entry.queue.count)
    }

    private func install(_ entry: Entry) {
        entries[entry.stored.definition.name] = entry
        sortedNames = nil
        if let controller = entry.controller { jobsContinuation.yield(kickoff(controller)) }
    }

    /// A new controller reads its container's state; a hot one also starts it.
    func kickoff(_ controller: LifecycleController<C>) -> Job {
        controller.policy.mode == .hot ? .bringUp(controller) : .reconcile(controller)
    }
}
