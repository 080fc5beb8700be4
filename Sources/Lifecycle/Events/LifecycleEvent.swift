/// One lifecycle transition of an instance, as published to listeners (registry, metrics, audit, SSE).
package struct LifecycleEvent: Sendable, Hashable {
    /// What happened, with the measurement that belongs to it.
    package enum Kind: Sendable, Hashable {
        /// The container was started on demand; `latency` runs from just before the engine call to ready.
        case lazyStart(latency: Duration)
        /// A start failed (engine error, timeout, or the container exited before it was ready).
        case lazyStartFailed(error: String)
        /// The idle timer stopped the container; `idle` runs from the last release to the stop decision.
        case lazyStop(idle: Duration)
        /// An idle stop failed; the instance is still treated as running.
        case lazyStopFailed(error: String)
        /// The idle worker was frozen (memory kept); `idle` runs from the last release to the pause decision.
        case lazyPause(idle: Duration)
        /// A pause failed; the worker still runs and is stopped when its idle timeout comes.
        case lazyPauseFailed(error: String)
        /// The paused worker was thawed for a dispatch; `latency` runs from just before the engine call to running.
        case lazyResume(latency: Duration)
        /// A thaw failed; the worker is started cold instead.
        case lazyResumeFailed(error: String)
    }

    /// The instance (agent) name.
    package var instance: String
    package var kind: Kind
    /// Wall-clock time of the transition, in milliseconds since the Unix epoch.
    package var timestampMilliseconds: Int64
    /// What caused the transition.
    package var trigger: LifecycleTrigger
    /// For a stop, the worker's memory just before it (as `docker stats` shows it), where the engine reported it:
    /// what the sleeping worker no longer holds.
    package var memoryBytes: UInt64?

    /// An event; without a `trigger`, starts are caused by a dispatch and stops by the idle timer.
    package init(
        instance: String, kind: Kind, timestampMilliseconds: Int64, trigger: LifecycleTrigger? = nil,
        memoryBytes: UInt64? = nil
    ) {
        self.instance = instance
        self.memoryBytes = memoryBytes
        self.kind = kind
        self.timestampMilliseconds = timestampMilliseconds
        switch kind {
        case .lazyStart, .lazyStartFailed, .lazyResume, .lazyResumeFailed: self.trigger = trigger ?? .dispatch
        case .lazyStop, .lazyStopFailed, .lazyPause, .lazyPauseFailed: self.trigger = trigger ?? .idle
        }
    }

    /// Every internal short name, in the order of `Kind`'s cases.
    package static let types = [
        "lazy_start", "lazy_start_failed", "lazy_stop", "lazy_stop_failed", "lazy_pause", "lazy_pause_failed",
        "lazy_resume", "lazy_resume_failed",
    ]

    /// The internal short name: `lazy_start`, `lazy_start_failed`, `lazy_stop`, `lazy_stop_failed`, `lazy_pause`,
    /// `lazy_pause_failed`, `lazy_resume` or `lazy_resume_failed`.
    package var type: String {
        switch kind {
        case .lazyStart: "lazy_start"
        case .lazyStartFailed: "lazy_start_failed"
        case .lazyStop: "lazy_stop"
        case .lazyStopFailed: "lazy_stop_failed"
        case .lazyPause: "lazy_pause"
        case .lazyPauseFailed: "lazy_pause_failed"
        case .lazyResume: "lazy_resume"
        case .lazyResumeFailed: "lazy_resume_failed"
        }
    }

    /// The event's measurement as JSON-ready values (`latency_ms`, `idle_seconds` or `error`), its `trigger`, for
    /// a stop the memory budget forced, `"reason": "memory_budget"`, and for a stop whose worker was weighed,
    /// `memory_bytes`.
    package var detail: [String: LifecycleEventDetailValue] {
        var detail = measurement
        if let memoryBytes { detail["memory_bytes"] = .number(Double(memoryBytes)) }
        return detail
    }

    private var measurement: [String: LifecycleEventDetailValue] {
        let trigger = LifecycleEventDetailValue.string(trigger.rawValue)
        return switch kind {
        case .lazyStart(let latency), .lazyResume(let latency):
            ["latency_ms": .number(latency.milliseconds), "trigger": trigger]
        case .lazyStartFailed(let error), .lazyStopFailed(let error), .lazyPauseFailed(let error),
            .lazyResumeFailed(let error):
            ["error": .string(error), "trigger": trigger]
        case .lazyStop(let idle) where self.trigger == .memoryBudget:
            ["idle_seconds": .number(idle.seconds), "trigger": trigger, "reason": .string("memory_budget")]
        case .lazyStop(let idle), .lazyPause(let idle): ["idle_seconds": .number(idle.seconds), "trigger": trigger]
        }
    }
}

/// What caused a lifecycle transition.
package enum LifecycleTrigger: String, Sendable, Hashable, Codable {
    /// A task needed the worker.
    case dispatch
    /// An operator asked for it (`POST /agents/{name}/start` or `/stop`).
    case `operator`
    /// The idle timer expired.
    case idle
    /// Dormouse brought a hot worker up when it booted or the agent was declared.
    case boot
    /// Paused workers' memory went over `DORMOUSE_WARM_MEMORY_MB`, and this one was the least recently used.
    case memoryBudget = "memory_budget"
    /// The engine's state differed from what was last recorded (a transition cut short by a kill, a stop the
    /// engine made on its own, a container started or stopped outside Dormouse), and the difference was
    /// recorded when Dormouse saw it: at boot, on an engine reconnect, or from an engine event.
    case reconcile
}

/// A JSON scalar in an event's detail.
package enum LifecycleEventDetailValue: Sendable, Hashable, Codable {
    case number(Double)
    case string(String)

    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else {
            self = .string(try container.decode(String.self))
        }
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .number(let number): try container.encode(number)
        case .string(let string): try container.encode(string)
        }
    }
}

extension Duration {
    /// The duration in (fractional) milliseconds.
    package var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1_000 + Double(attoseconds) / 1e15
    }

    /// The duration in (fractional) seconds.
    package var seconds: Double { milliseconds / 1_000 }
}
