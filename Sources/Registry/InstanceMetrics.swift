import Lifecycle

/// Per-instance lifecycle counters and the newest event (each new event replaces the previous one).
public struct InstanceMetrics: Sendable, Hashable, Codable {
    /// The newest lifecycle event of the instance.
    public struct LastEvent: Sendable, Hashable, Codable {
        public var type: String
        public var ts: Int64
        public var detail: [String: LifecycleEventDetailValue]

        public init(type: String, ts: Int64, detail: [String: LifecycleEventDetailValue]) {
            self.type = type
            self.ts = ts
            self.detail = detail
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
}
