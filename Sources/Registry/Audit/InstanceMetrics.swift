import Foundation
import Lifecycle

/// Per-instance lifecycle counters and the newest event (each new event replaces the previous one).
package struct InstanceMetrics: Sendable, Hashable, Codable {
    /// Whether the transitions recorded leave the container running (or paused, which is not stopped either): the
    /// newest is a start, a stop that failed, or any pause or resume event. A start only fails from stopped and a
    /// stop only from running or paused, so those failures change nothing; a pause, its failure, and a resume
    /// happen to an existing container; a failed resume is followed by a start or its failure.
    package var recordedRunning: Bool {
        lastEvent.map { Self.runningTypes.contains($0.type) } ?? false
    }

    /// The newest event types after which the container exists and is not stopped.
    private static let runningTypes: Set = [
        "lazy_start", "lazy_stop_failed", "lazy_pause", "lazy_pause_failed", "lazy_resume", "lazy_resume_failed",
    ]

    /// The newest lifecycle event of the instance. Its detail is kept as the stored JSON text, so listing
    /// many agents does not decode every one.
    package struct LastEvent: Sendable, Hashable, Codable {
        package var type: String
        package var ts: Int64
        /// The detail as a JSON object with sorted keys.
        package var detailJSON: String

        package init(type: String, ts: Int64, detail: [String: LifecycleEventDetailValue]) {
            self.init(type: type, ts: ts, detailJSON: DetailJSON.encode(detail))
        }

        init(type: String, ts: Int64, detailJSON: String) {
            self.type = type
            self.ts = ts
            self.detailJSON = detailJSON
        }

        /// `latency_ms`, `idle_seconds` or `error`, `trigger`, and for a memory budget stop `reason`.
        package var detail: [String: LifecycleEventDetailValue] {
            (try? JSONDecoder().decode([String: LifecycleEventDetailValue].self, from: Data(detailJSON.utf8))) ?? [:]
        }

        enum CodingKeys: String, CodingKey {
            case type, ts, detail
        }

        package init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                type: try container.decode(String.self, forKey: .type),
                ts: try container.decode(Int64.self, forKey: .ts),
                detail: try container.decode([String: LifecycleEventDetailValue].self, forKey: .detail))
        }

        package func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(type, forKey: .type)
            try container.encode(ts, forKey: .ts)
            try container.encode(detail, forKey: .detail)
        }
    }

    /// One counter per `SQLiteAuditLog.eventTypes` (`lazy_start`, `lazy_start_failed`, `lazy_stop`,
    /// `lazy_stop_failed`, `lazy_pause`, `lazy_pause_failed`, `lazy_resume`, `lazy_resume_failed`), always all eight.
    package var counters: [String: Int] {
        didSet { json = Self.json(counters: counters, lastEvent: lastEvent) }
    }
    package var lastEvent: LastEvent? {
        didSet { json = Self.json(counters: counters, lastEvent: lastEvent) }
    }
    /// The API's JSON form (`lifecycle_metrics`), written when the metrics change (an audited event) rather than
    /// on every listing: writing it for each of 1,000 agents was a third of a `GET /agents`.
    package private(set) var json: String

    init(counters: [String: Int], lastEvent: LastEvent?) {
        self.counters = counters
        self.lastEvent = lastEvent
        json = Self.json(counters: counters, lastEvent: lastEvent)
    }

    /// An instance nothing has happened to yet.
    package static let zero = InstanceMetrics(
        counters: Dictionary(uniqueKeysWithValues: SQLiteAuditLog.eventTypes.map { ($0, 0) }), lastEvent: nil)

    enum CodingKeys: String, CodingKey {
        case counters
        case lastEvent = "last_event"
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            counters: try container.decode([String: Int].self, forKey: .counters),
            lastEvent: try container.decodeIfPresent(LastEvent.self, forKey: .lastEvent))
    }

    /// `{"counters":{...},"last_event":...}`: the eight counters in a fixed order, the detail as stored. Counter
    /// names and event types are the eight fixed names, never user input.
    private static func json(counters: [String: Int], lastEvent: LastEvent?) -> String {
        var text = "{\"counters\":{"
        for (index, type) in SQLiteAuditLog.eventTypes.enumerated() {
            if index > 0 { text += "," }
            text += "\"\(type)\":\(counters[type] ?? 0)"
        }
        text += "},\"last_event\":"
        if let lastEvent {
            text += "{\"type\":\"\(lastEvent.type)\",\"ts\":\(lastEvent.ts),\"detail\":\(lastEvent.detailJSON)}"
        } else {
            text += "null"
        }
        return text + "}"
    }

    /// `last_event` is written as null when there is none.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(counters, forKey: .counters)
        try container.encode(lastEvent, forKey: .lastEvent)
    }
}

/// One row of the lifecycle audit table.
package struct AuditRecord: Sendable, Hashable, Codable {
    package var id: Int64
    package var instance: String
    package var type: String
    package var ts: Int64
    package var detail: [String: LifecycleEventDetailValue]

    package init(id: Int64, instance: String, type: String, ts: Int64, detail: [String: LifecycleEventDetailValue]) {
        self.id = id
        self.instance = instance
        self.type = type
        self.ts = ts
        self.detail = detail
    }

    /// The detail as a JSON object with sorted keys.
    package var detailJSON: String { DetailJSON.encode(detail) }
}
