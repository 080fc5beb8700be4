import Hummingbird
import NIOCore
import Registry

/// `GET /metrics`: Prometheus text exposition of lifecycle counters, start and resume latency, tasks and queues.
struct MetricsController<C: Clock<Duration>>: Sendable {
    let registry: AgentRegistry<C>
    let histogram: StartLatencyHistogram
    let resumeHistogram: ResumeLatencyHistogram
    let statistics: TaskStatistics
    let webhooks: WebhookMetrics

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/metrics") { _, _ in
            let text = try await render()
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: text)))
        }
    }

    func render() async throws -> String {
        let agents = try await registry.agents()
        var text = PrometheusText()
        text.family("dormouse_agents", type: "gauge", help: "Declared agents.")
        text.sample("dormouse_agents", value: Double(agents.count))
        text.family(
            "dormouse_lifecycle_events_total", type: "counter",
            help: "Lifecycle transitions of lazy workers (starts, stops, pauses, resumes and their failures) by agent "
                + "and type, kept across restarts.")
        for agent in agents {
            guard let metrics = agent.lifecycleMetrics else { continue }
            for type in SQLiteAuditLog.eventTypes {
                text.sample(
                    "dormouse_lifecycle_events_total", ["agent": agent.agent.definition.name, "type": type],
                    value: Double(metrics.counters[type] ?? 0))
            }
        }
        renderHistograms(into: &text)
        renderTasks(agents, into: &text)
        renderWebhooks(into: &text)
        return text.output
    }

    private func renderHistograms(into text: inout PrometheusText) {
        render(
            histogram.reading, as: "dormouse_start_latency_seconds",
            help: "Time from a lazy start's engine call to the worker being ready.", into: &text)
        render(
            resumeHistogram.reading, as: "dormouse_resume_latency_seconds",
            help: "Time from a paused worker's unpause call to it running again (the warm tier's wake).", into: &text)
        render(
            statistics.snapshot.overhead, as: "dormouse_task_overhead_seconds",
            help: "Dormouse's own time per task, from its acceptance to its final record: admission, the database "
                + "writes, the hand-offs and the lease; not the wait for a free slot, a worker's start, or the "
                + "delivery.",
            into: &text)
    }

    private func render(_ reading: Histogram, as name: String, help: String, into text: inout PrometheusText) {
        text.family(name, type: "histogram", help: help)
        for (index, bound) in reading.bounds.enumerated() {
            text.sample("\(name)_bucket", ["le": "\(bound)"], value: Double(reading.buckets[index]))
        }
        text.sample("\(name)_bucket", ["le": "+Inf"], value: Double(reading.count))
        text.sample("\(name)_sum", value: reading.sum)
        text.sample("\(name)_count", value: Double(reading.count))
    }

    private func renderTasks(_ agents: [AgentView], into text: inout PrometheusText) {
        let counts = statistics.snapshot
        text.family("dormouse_tasks_accepted_total", type: "counter", help: "Tasks accepted since Dormouse started.")
        for (agent, count) in counts.queued.sorted(by: { $0.key < $1.key }) {
            text.sample("dormouse_tasks_accepted_total", ["agent": agent], value: Double(count))
        }
        text.family(
            "dormouse_tasks_finished_total", type: "counter", help: "Tasks finished since Dormouse started, by status.")
        for (agent, statuses) in counts.finished.sorted(by: { $0.key < $1.key }) {
            for (status, count) in statuses.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                text.sample(
                    "dormouse_tasks_finished_total", ["agent": agent, "status": status.rawValue], value: Double(count))
            }
        }
        text.family("dormouse_tasks_in_flight", type: "gauge", help: "Tasks running now.")
        for agent in agents {
            text.sample(
                "dormouse_tasks_in_flight", ["agent": agent.agent.definition.name], value: Double(agent.inFlight))
        }
        text.family("dormouse_queue_depth", type: "gauge", help: "Tasks waiting for a free slot.")
        for agent in agents {
            text.sample("dormouse_queue_depth", ["agent": agent.agent.definition.name], value: Double(agent.queued))
        }
    }

    private func renderWebhooks(into text: inout PrometheusText) {
        text.family(
            "dormouse_webhook_deliveries_total", type: "counter",
            help: "Webhook delivery attempts since Dormouse started, by webhook id and result (delivered, failed), "
                + "and events pruned before they were delivered (skipped).")
        for (webhook, counts) in webhooks.snapshot.sorted(by: { $0.key < $1.key }) {
            for result in WebhookMetrics.Result.allCases {
                text.sample(
                    "dormouse_webhook_deliveries_total", ["webhook": webhook, "result": result.rawValue],
                    value: Double(counts[result] ?? 0))
            }
        }
    }
}
