import Lifecycle

/// Operator actions: start (or thaw) or stop an agent's container now, recorded with the `operator` trigger.
extension AgentRegistry {
    /// What an operator action did.
    package struct OperatorResult: Sendable, Hashable, Encodable {
        package enum Outcome: String, Sendable, Hashable, Encodable {
            case started
            /// The worker was paused (the warm tier) and is thawed.
            case resumed
            case alreadyRunning = "already_running"
            case stopped
            case alreadyStopped = "already_stopped"
        }

        package var agent: String
        package var action: String
        package var result: Outcome
        /// How long the start or the resume took; nil when there was none.
        package var wakeMilliseconds: Double?
        package var lifecycleState: InstanceStateMachine.Phase?

        enum CodingKeys: String, CodingKey {
            case agent, action, result
            case wakeMilliseconds = "wake_ms"
            case lifecycleState = "lifecycle_state"
        }

        package func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(agent, forKey: .agent)
            try container.encode(action, forKey: .action)
            try container.encode(result, forKey: .result)
            try container.encode(wakeMilliseconds, forKey: .wakeMilliseconds)
            try container.encode(lifecycleState?.rawValue, forKey: .lifecycleState)
        }
    }

    /// Starts the agent's container if it is stopped, or thaws it if it is paused; a lazy worker then idles out as
    /// after a task. A host-mode agent has nothing to start (`.conflict`), or is refused first when host agents are disabled.
    package func start(_ name: String) async throws -> OperatorResult {
        if let definition = entries[name]?.stored.definition { try refuseDisabledHostAgent(definition) }
        let controller = try controller(of: name, for: "start")
        let outcome = try await controller.start(trigger: .operator)
        let result: OperatorResult.Outcome =
            switch outcome {
            case .cold: .started
            case .resumed: .resumed
            case .warm: .alreadyRunning
            }
        return OperatorResult(
            agent: name, action: "start", result: result, wakeMilliseconds: outcome.wake?.milliseconds,
            lifecycleState: await controller.snapshot.phase)
    }

    /// Stops the agent's container now; refused (`.conflict`) while tasks hold or await it.
    package func stop(_ name: String) async throws -> OperatorResult {
        let controller = try controller(of: name, for: "stop")
        let result: OperatorResult.Outcome
        switch try await controller.stop(trigger: .operator) {
        case .stopped: result = .stopped
        case .alreadyStopped: result = .alreadyStopped
        case .busy(let inFlight):
            throw RegistryError(.conflict, "agent \"\(name)\" has \(inFlight) tasks using its container; not stopped")
        }
        return OperatorResult(
            agent: name, action: "stop", result: result, wakeMilliseconds: nil,
            lifecycleState: await controller.snapshot.phase)
    }

    private func controller(of name: String, for action: String) throws -> LifecycleController<C> {
        guard let entry = entries[name] else { throw RegistryError.agentNotFound(name) }
        guard let controller = entry.controller else {
            throw RegistryError(.conflict, "agent \"\(name)\" runs on the host; there is no container to \(action)")
        }
        return controller
    }
}
