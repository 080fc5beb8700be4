import Lifecycle

/// Sleep timelines: what the agents' workers did over a window, read from the audit log.
extension AgentRegistry {
    /// Every agent's timeline, by name, or only `agent`'s (`.notFound` when there is no such agent), with the
    /// fleet's wakes and time shares.
    package func timeline(of agent: String? = nil, window: TimelineWindow) async throws -> Timeline {
        if let agent, entries[agent] == nil { throw RegistryError.agentNotFound(agent) }
        await auditLog.flush()
        let reader = TimelineReader(database: agentStore.database)
        let rows = try await reader.rows(agent: agent, since: window.since, until: window.until)
        // The agents as they are now: one declared while the rows were read has no rows yet, which is its truth.
        let names = agent.map { [$0] } ?? (sortedNames ?? entries.keys.sorted())
        var agents: [AgentTimeline] = []
        var fleetWakes: [TimelineWake] = []
        var fleetTime = TimelineShares()
        for name in names {
            guard let entry = entries[name] else { continue }
            let (timeline, wakes) = Self.timeline(of: entry, rows: rows[name] ?? .init(), window: window)
            agents.append(timeline)
            fleetWakes += wakes
            fleetTime.add(timeline.time)
        }
        fleetWakes.sort { ($0.ts, $0.agent) < ($1.ts, $1.agent) }
        return Timeline(
            since: window.since, until: window.until, now: window.now, stepMilliseconds: window.stepMilliseconds,
            agents: agents, fleet: .init(wakes: TimelineWakes(fleetWakes), time: fleetTime))
    }

    private static func timeline(of entry: Entry, rows: TimelineReader.Rows, window: TimelineWindow) -> (
        AgentTimeline, [TimelineWake]
    ) {
        let definition = entry.stored.definition
        let name = definition.name
        let createdAt = entry.stored.createdAt
        let phase = definition.isLazyContainer ? entry.controller?.phase : nil
        let spans: [TimelineSpan]
        var wakes: [TimelineWake] = []
        switch (definition.mode, definition.lifecycle) {
        case (.container, .hot):
            spans = TimelineBuilder.alwaysAwake(window: window, createdAt: createdAt)
        case (.container, _):
            spans = TimelineBuilder.spans(
                rows.transitions, window: window, createdAt: createdAt, current: phase.map(Self.state(of:)) ?? .asleep)
            wakes = TimelineBuilder.wakes(rows.transitions, window: window, agent: name)
        case (.host, _):
            spans = []
        }
        var time = TimelineShares()
        for span in spans { time.add(span) }
        let steps = window.stepMilliseconds.map { TimelineBuilder.steps(spans, window: window, step: $0) }
        let timeline = AgentTimeline(
            name: name, mode: definition.mode.rawValue, lifecycle: definition.lifecycle?.rawValue,
            createdAt: createdAt, state: phase?.rawValue, spans: steps == nil ? spans : nil, steps: steps,
            failures: rows.failures.map { TimelineFailure(type: $0.type, ts: $0.ts, error: $0.error) },
            wakes: TimelineWakes(wakes), time: time)
        return (timeline, wakes)
    }

    /// What a lifecycle phase means on the timeline: a worker being started is still asleep, one being stopped
    /// or paused still awake, one being thawed still paused.
    static func state(of phase: InstanceStateMachine.Phase) -> TimelineState {
        switch phase {
        case .stopped, .starting: .asleep
        case .running, .stopping, .pausing: .awake
        case .paused, .resuming: .paused
        }
    }
}
