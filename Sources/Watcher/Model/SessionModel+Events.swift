extension SessionModel {
    mutating func apply(_ event: TranscriptEvent, to key: String, at now: Duration) {
        guard var state = sessions[key] else { return }
        if case .userPrompt = event, state.status != .active || state.turnOutcome != nil {
            beginTurn(key, at: now)
            state = sessions[key]!
        }
        // A trailing write after completion is recorded but does not re-activate the session.
        if state.status == .active { state.lastActivityAt = now }
        switch event {
        case .userPrompt(let text): append("> \(text)", to: &state)
        case .toolCallStarted(let call):
            let label = settings.labeler.label(for: call)
            state.toolCalls += 1
            state.pendingTools[call.id] = label
            append("▸ \(label)", to: &state)
        case .toolResult(let id, let name, let isError, let summary):
            let label = state.pendingTools.removeValue(forKey: id) ?? name ?? "tool"
            if isError {
                state.errors += 1
                append("✗ \(label): \(summary)", to: &state)
            }
        case .assistantText(let text): if !text.isEmpty { append("💬 \(text)", to: &state) }
        case .thinking(let text): if !text.isEmpty { append("💭 \(text)", to: &state) }
        case .tokens(let usage): state.tokens = state.tokens + usage
        case .turnEnded(let outcome): if state.status == .active { state.turnOutcome = outcome }
        case .error(let message):
            state.errors += 1
            append("⚠ \(message)", to: &state)
        }
        sessions[key] = state
    }

    /// Starts a new turn: only a new user prompt or registry proof (lock file, newer `updatedAt`) does this.
    mutating func beginTurn(_ key: String, at now: Duration) {
        guard var state = sessions[key] else { return }
        if state.status != .active { state.startedAt = now }
        state.status = .active
        state.turnOutcome = nil
        state.completedAt = nil
        state.lastActivityAt = now
        sessions[key] = state
    }

    /// Completes each of `keys` that is active, whose turn ended or idled out and whose children are all
    /// complete, repeating so that a completed child can complete its parent in the same pass.
    mutating func settle(_ keys: [String], at now: Duration) -> Set<String> {
        var changed: Set<String> = []
        var progress = true
        while progress {
            progress = false
            for key in keys {
                guard let state = sessions[key], state.status == .active else { continue }
                let childrenDone = state.children.allSatisfy { sessions[$0].map { $0.status != .active } ?? true }
                let idle = now - state.lastActivityAt >= settings.idleTimeout
                guard childrenDone, state.turnOutcome != nil || idle else { continue }
                complete(key, at: now)
                changed.insert(key)
                progress = true
            }
        }
        return changed
    }

    private mutating func complete(_ key: String, at now: Duration) {
        guard var state = sessions[key] else { return }
        switch state.turnOutcome ?? .done {
        case .done: state.status = .done
        case .error: state.status = .error
        case .interrupted: state.status = .interrupted
        }
        // A session finished when it last did something (its turn-end line included) or when its last child
        // finished, not when the idle timeout noticed it, so durations do not include the idle wait.
        let childrenEnd = state.children.compactMap { sessions[$0]?.completedAt }.max() ?? .zero
        state.completedAt = min(now, max(state.lastActivityAt, childrenEnd))
        state.pendingTools = [:]
        sessions[key] = state
    }

    private func append(_ line: String, to state: inout SessionState) {
        state.activity.append(line)
        if state.activity.count > settings.maxActivityLines {
            state.activity.removeFirst(state.activity.count - settings.maxActivityLines)
        }
    }
}
