import Lifecycle
import Logging

/// Declaring, reading, changing and deleting agents.
extension AgentRegistry {
    /// Declares an agent; a container agent gets its controller (and a hot one is started in the background).
    public func create(_ definition: AgentDefinition) async throws -> AgentView {
        try definition.validate()
        let name = definition.name
        guard entries[name] == nil, !reservedNames.contains(name) else {
            throw RegistryError(.nameTaken, "an agent named \"\(name)\" already exists")
        }
        reservedNames.insert(name)
        defer { reservedNames.remove(name) }
        let stored = try await agentStore.insert(definition, at: wallClock.millisecondsSinceEpoch)
        // Counters left by an agent of this name that was deleted while a write was in flight start from zero.
        try await auditLog.forget(name)
        install(Entry(stored: stored, controller: makeController(for: definition)))
        logger.info("agent declared", metadata: ["agent.name": "\(name)", "agent.mode": "\(definition.mode)"])
        return try await view(of: name)
    }

    /// Replaces an agent's definition. A change to its container or lifecycle replaces its controller,
    /// which is refused (`.conflict`) while tasks are running or queued.
    public func update(_ definition: AgentDefinition) async throws -> AgentView {
        try definition.validate()
        guard var entry = entries[definition.name] else { throw RegistryError.agentNotFound(definition.name) }
        let old = entry.stored.definition
        let replacesController =
            old.target != definition.target || old.policy != definition.policy
            || old.mode != definition.mode
        if replacesController && entry.load > 0 {
            throw RegistryError(
                .conflict,
                "agent \"\(definition.name)\" has \(entry.load) tasks running or queued; change its container or lifecycle when it is idle"
            )
        }
        entry.stored.definition = definition
        entry.stored.updatedAt = wallClock.millisecondsSinceEpoch
        try await agentStore.update(entry.stored)
        guard var current = entries[definition.name], current.stored.id == entry.stored.id else {
            throw RegistryError.agentNotFound(definition.name)
        }
        current.stored = entry.stored
        if replacesController {
            await current.controller?.shutdown()
            current.controller = makeController(for: definition)
            if let controller = current.controller { jobsContinuation.yield(kickoff(controller)) }
        }
        entries[definition.name] = current
        pump(definition.name)
        return try await view(of: definition.name)
    }

    /// Deletes an agent: queued tasks fail, running ones finish on their own, the controller is retired and
    /// the counters are dropped so an agent declared again under the name starts from zero.
    public func delete(_ name: String) async throws {
        guard let entry = entries.removeValue(forKey: name) else { throw RegistryError.agentNotFound(name) }
        sortedNames = nil
        await entry.controller?.shutdown()
        for var task in entry.queue {
            task.status = .failed
            task.error = "the agent was deleted before the task ran"
            await finishRecord(&task)
        }
        try await agentStore.delete(id: entry.stored.id)
        try await auditLog.forget(name)
        logger.info("agent deleted", metadata: ["agent.name": "\(name)"])
    }

    /// One agent with its live state.
    public func agent(_ name: String) async throws -> AgentView {
        try await view(of: name)
    }

    /// Every agent with its live state, by name.
    public func agents() async throws -> [AgentView] {
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
    public func events(of name: String, afterID: Int64, limit: Int) async throws -> [AuditRecord] {
        guard let entry = entries[name] else { throw RegistryError.agentNotFound(name) }
        return try await auditLog.events(
            instance: name, afterID: afterID, notBefore: entry.stored.createdAt, limit: limit)
    }

    /// The stored agent (for callers that merge a patch into its definition).
    public func stored(_ name: String) throws -> StoredAgent {
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
