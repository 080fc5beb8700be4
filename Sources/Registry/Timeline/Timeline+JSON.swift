/// The timeline's JSON, written by hand: a week of 500 agents in steps is over 200,000 numbers, which Foundation's
/// encoder took 0.4 s for. Keys are sorted; absent values are written as null.
extension Timeline {
    /// The whole document.
    package var jsonBytes: [UInt8] {
        var writer = JSONWriter()
        writer.append("{\"agents\":[")
        for (index, agent) in agents.enumerated() {
            if index > 0 { writer.append(",") }
            agent.write(to: &writer)
        }
        writer.append("],\"fleet\":{\"time\":")
        fleet.time.write(to: &writer)
        writer.append(",\"wakes\":")
        fleet.wakes.write(to: &writer)
        writer.append("},\"now\":")
        writer.number(now)
        writer.append(",\"since\":")
        writer.number(since)
        writer.append(",\"step_ms\":")
        writer.number(stepMilliseconds)
        writer.append(",\"until\":")
        writer.number(until)
        writer.append("}")
        return writer.bytes
    }
}

extension AgentTimeline {
    func write(to writer: inout JSONWriter) {
        writer.append("{\"created_at\":")
        writer.number(createdAt)
        writer.append(",\"failures\":[")
        for (index, failure) in failures.enumerated() {
            if index > 0 { writer.append(",") }
            writer.append("{\"error\":")
            writer.string(failure.error)
            writer.append(",\"ts\":")
            writer.number(failure.ts)
            writer.append(",\"type\":")
            writer.write(failure.type)
            writer.append("}")
        }
        writer.append("],\"lifecycle\":")
        writer.string(lifecycle)
        writer.append(",\"mode\":")
        writer.write(mode)
        writer.append(",\"name\":")
        writer.write(name)
        if let spans {
            writer.append(",\"spans\":[")
            for (index, span) in spans.enumerated() {
                if index > 0 { writer.append(",") }
                span.write(to: &writer)
            }
            writer.append("]")
        }
        writer.append(",\"state\":")
        writer.string(state)
        if let steps {
            writer.append(",\"steps\":")
            steps.write(to: &writer)
        }
        writer.append(",\"time\":")
        time.write(to: &writer)
        writer.append(",\"wakes\":")
        wakes.write(to: &writer)
        writer.append("}")
    }
}

extension TimelineSpan {
    func write(to writer: inout JSONWriter) {
        writer.append("{\"began\":")
        Self.write(began, to: &writer)
        writer.append(",\"ended\":")
        Self.write(ended, to: &writer)
        writer.append(",\"from\":")
        writer.number(from)
        if open { writer.append(",\"open\":true") }
        writer.append(",\"state\":")
        writer.write(state.rawValue)
        writer.append(",\"to\":")
        writer.number(to)
        writer.append("}")
    }

    /// An event as a span shows it: its type and time, and the measurement and cause it carries.
    private static func write(_ event: TimelineEvent?, to writer: inout JSONWriter) {
        guard let event else { return writer.append("null") }
        writer.append("{")
        if let idle = event.idleSeconds {
            writer.append("\"idle_seconds\":")
            writer.number(idle)
            writer.append(",")
        }
        if let latency = event.latencyMilliseconds {
            writer.append("\"latency_ms\":")
            writer.number(latency)
            writer.append(",")
        }
        if let memory = event.memoryBytes {
            writer.append("\"memory_bytes\":")
            writer.number(memory)
            writer.append(",")
        }
        if let trigger = event.trigger {
            writer.append("\"trigger\":")
            writer.write(trigger)
            writer.append(",")
        }
        writer.append("\"ts\":")
        writer.number(event.ts)
        writer.append(",\"type\":")
        writer.write(event.type)
        writer.append("}")
    }
}

extension TimelineSteps {
    func write(to writer: inout JSONWriter) {
        writer.append("{\"awake_s\":")
        Self.write(seconds: awakeMilliseconds, to: &writer)
        writer.append(",\"paused_s\":")
        Self.write(seconds: pausedMilliseconds, to: &writer)
        writer.append(",\"wakes\":[")
        for (index, count) in wakes.enumerated() {
            if index > 0 { writer.append(",") }
            writer.number(count.map(Int64.init))
        }
        writer.append("]}")
    }

    private static func write(seconds: [Int64?], to writer: inout JSONWriter) {
        writer.append("[")
        for (index, milliseconds) in seconds.enumerated() {
            if index > 0 { writer.append(",") }
            writer.seconds(milliseconds)
        }
        writer.append("]")
    }
}

extension TimelineShares {
    func write(to writer: inout JSONWriter) {
        writer.append("{\"asleep_s\":")
        writer.seconds(asleepMilliseconds)
        writer.append(",\"awake_s\":")
        writer.seconds(awakeMilliseconds)
        writer.append(",\"memory_mib_hours_not_held\":")
        writer.number(memoryByteMilliseconds.map { $0 / (1_048_576 * 3_600_000) })
        writer.append(",\"paused_s\":")
        writer.seconds(pausedMilliseconds)
        writer.append(",\"share_asleep\":")
        let total = totalMilliseconds
        writer.number(total > 0 ? Double(asleepMilliseconds) / Double(total) : nil)
        writer.append("}")
    }
}

extension TimelineWakes {
    func write(to writer: inout JSONWriter) {
        writer.append("{\"cold\":")
        cold.write(to: &writer)
        writer.append(",\"recent\":[")
        for (index, wake) in recent.enumerated() {
            if index > 0 { writer.append(",") }
            writer.append("{\"agent\":")
            writer.write(wake.agent)
            writer.append(",\"kind\":")
            writer.write(wake.kind.rawValue)
            writer.append(",\"latency_ms\":")
            writer.number(wake.latencyMilliseconds)
            writer.append(",\"ts\":")
            writer.number(wake.ts)
            writer.append("}")
        }
        writer.append("],\"warm\":")
        warm.write(to: &writer)
        writer.append("}")
    }
}

extension TimelineWakes.Latencies {
    func write(to writer: inout JSONWriter) {
        writer.append("{\"count\":")
        writer.number(Int64(count))
        writer.append(",\"p50_ms\":")
        writer.number(p50)
        writer.append(",\"p95_ms\":")
        writer.number(p95)
        writer.append("}")
    }
}

extension JSONWriter {
    /// An integer, or null.
    mutating func number(_ value: Int64?) {
        guard let value else { return append("null") }
        appendRaw(String(value))
    }

    /// A number: whole values without a fraction, others as Swift's shortest round-tripping form (valid JSON for
    /// every finite value); null for nil or a value JSON cannot hold.
    mutating func number(_ value: Double?) {
        guard let value, value.isFinite else { return append("null") }
        if value.rounded() == value, abs(value) < 9_007_199_254_740_992 {
            appendRaw(String(Int64(value)))
        } else {
            appendRaw(String(value))
        }
    }

    /// Milliseconds as seconds (`600`, `0.5`), or null.
    mutating func seconds(_ milliseconds: Int64?) {
        guard let milliseconds else { return append("null") }
        if milliseconds % 1000 == 0 {
            appendRaw(String(milliseconds / 1000))
        } else {
            number(Double(milliseconds) / 1000)
        }
    }

    /// A string, or null.
    mutating func string(_ value: String?) {
        guard let value else { return append("null") }
        write(value)
    }
}
