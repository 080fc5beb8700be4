/// One dispatched task and what became of it.
public struct TaskRecord: Sendable, Hashable {
    /// Where a task is in its life.
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        case queued, running, succeeded, failed
        case timedOut = "timed_out"

        /// Whether the task has finished.
        public var isFinal: Bool { self != .queued && self != .running }
    }

    public var id: String
    public var agent: String
    public var status: Status
    public var payload: JSONValue
    /// Epoch milliseconds.
    public var createdAt: Int64
    public var startedAt: Int64?
    public var finishedAt: Int64?
    /// Whether the dispatch had to wait for its container to start; nil until known.
    public var coldStart: Bool?
    /// That start's latency, in milliseconds.
    public var wakeMilliseconds: Double?
    public var exitCode: Int?
    public var httpStatus: Int?
    /// The worker's output, capped.
    public var output: String?
    public var outputTruncated: Bool
    public var error: String?

    public init(id: String, agent: String, payload: JSONValue, createdAt: Int64) {
        self.id = id
        self.agent = agent
        self.status = .queued
        self.payload = payload
        self.createdAt = createdAt
        self.outputTruncated = false
    }
}

extension TaskRecord: Codable {
    enum CodingKeys: String, CodingKey {
        case id, agent, status, payload, output, error
        case createdAt = "created_at"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case coldStart = "cold_start"
        case wakeMilliseconds = "wake_ms"
        case exitCode = "exit_code"
        case httpStatus = "http_status"
        case outputTruncated = "output_truncated"
    }

    /// Every key is written, null when unset.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(agent, forKey: .agent)
        try container.encode(status, forKey: .status)
        try container.encode(payload, forKey: .payload)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(startedAt, forKey: .startedAt)
        try container.encode(finishedAt, forKey: .finishedAt)
        try container.encode(coldStart, forKey: .coldStart)
        try container.encode(wakeMilliseconds, forKey: .wakeMilliseconds)
        try container.encode(exitCode, forKey: .exitCode)
        try container.encode(httpStatus, forKey: .httpStatus)
        try container.encode(output, forKey: .output)
        try container.encode(outputTruncated, forKey: .outputTruncated)
        try container.encode(error, forKey: .error)
    }
}

/// The body of a dispatch: `{"payload": <any JSON>}`; other fields are refused.
public struct TaskRequest: Sendable, Hashable, Decodable {
    public var payload: JSONValue

    enum CodingKeys: String, CodingKey {
        case payload
    }

    public init(from decoder: any Decoder) throws {
        try StrictKeys.rejectUnknown(in: decoder, known: ["payload"])
        payload = try decoder.container(keyedBy: CodingKeys.self).decode(JSONValue.self, forKey: .payload)
    }
}
