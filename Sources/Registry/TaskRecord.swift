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
    /// Whether `payload` is the stored text as a string because it could not be read back as JSON (a row
    /// written before payloads were checked); shown as it is rather than failing the read.
    public var payloadIsRaw = false
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
