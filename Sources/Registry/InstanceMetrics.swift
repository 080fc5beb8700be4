import Foundation
import Lifecycle

/// Per-instance lifecycle counters and the newest event (each new event replaces the previous one).
public struct InstanceMetrics: Sendable, Hashable, Codable {
    /// Whether the transitions recorded leave the container running: the newest is a start, or a stop that
    /// failed (a start only fails from stopped and a stop only from running, so the failed ones change nothing).
    public var recordedRunning: Bool {
        lastEvent?.type == "lazy_start" || lastEvent?.type == "lazy_stop_failed"
    }

    /// The newest lifecycle event of the instance. Its detail is kept as the stored JSON text, so listing
    /// many agents does not decode every one.
    public struct LastEvent: Sendable, Hashable, Codable {
        public var type: String
        public var ts: Int64
        /// The detail as a JSON object with sorted keys.
        public var detailJSON: String

        public init(type: String, ts: Int64, detail: [String: LifecycleEventDetailValue]) {
            self.init(type: type, ts: ts, detailJSON: DetailJSON.encode(detail))
        }

        init(type: String, ts: Int64, detailJSON: String) {
            self.type = type
            self.ts = ts
            self.detailJSON = detailJSON
        }

        /// `latency_ms`, `idle_seconds` or `error`, and `trigger`.
        public var detail: [String: LifecycleEventDetailValue] {
            (try? JSONDecoder().decode([String: LifecycleEventDetailValue].self, from: Data(detailJSON.utf8))) ?? [:]
        }

        enum CodingKeys: String, CodingKey {
            case type, ts, detail
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                type: try container.decode(String.self, forKey: .type),
                ts: try container.decode(Int64.self, forKey: .ts),
                detail: try container.decode([String: LifecycleEventDetailValue].self, forKey: .detail))
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(type, forKey: .type)
            try container.encode(ts, forKey: .ts)
            try container.encode(detail, forKey: .detail)
        }
    }

    /// `lazy_start`, `lazy_start_failed`, `lazy_stop` and `lazy_stop_failed`, always all four.
    public var counters: [String: Int]
    public var lastEvent: LastEvent?

    /// An instance nothing has happened to yet.
    public static let zero = InstanceMetrics(
        counters: Dictionary(uniqueKeysWithValues: SQLiteAuditLog.eventTypes.map { ($0, 0) }), lastEvent: nil)

    enum CodingKeys: String, CodingKey {
        case counters
        case lastEvent = "last_event"
    }

    /// `last_event` is written as null when there is none.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(counters, forKey: .counters)
        try container.encode(lastEvent, forKey: .lastEvent)
    }
}

/// One row of the lifecycle audit table.
public struct AuditRecord: Sendable, Hashable, Codable {
    public var id: Int64
    public var instance: String
    public var type: String
    public var ts: Int64
    public var detail: [String: LifecycleEventDetailValue]

    public init(id: Int64, instance: String, type: String, ts: Int64, detail: [String: LifecycleEventDetailValue]) {
        self.id = id
        self.instance = instance
        self.type = type
        self.ts = ts
        self.detail = detail
    }

    /// The detail as a JSON object with sorted keys.
    public var detailJSON: String { DetailJSON.encode(detail) }
}
