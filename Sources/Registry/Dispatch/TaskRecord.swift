/// One dispatched task and what became of it.
package struct TaskRecord: Sendable, Hashable {
    /// Where a task is in its life.
    package enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        case queued, running, succeeded, failed
        case timedOut = "timed_out"

        /// Whether the task has finished.
        package var isFinal: Bool { self != .queued && self != .running }
    }

    package var id: String
    package var agent: String
    package var status: Status
    package var payload: JSONValue
    /// Whether `payload` is the stored text as a string because it could not be read back as JSON (a row
    /// written before payloads were checked); shown as it is rather than failing the read.
    package var payloadIsRaw = false
    /// Epoch milliseconds.
    package var createdAt: Int64
    package var startedAt: Int64?
    package var finishedAt: Int64?
    /// Whether the dispatch had to wait for its container to start; nil until known.
    package var coldStart: Bool?
    /// Whether the dispatch had to wait for its paused container to be thawed (the warm tier); nil until known.
    package var resumed: Bool?
    /// That start's or that resume's latency, in milliseconds.
    package var wakeMilliseconds: Double?
    package var exitCode: Int?
    package var httpStatus: Int?
    /// The worker's output, capped.
    package var output: String?
    package var outputTruncated: Bool
    package var error: String?

    package init(id: String, agent: String, payload: JSONValue, createdAt: Int64) {
        self.id = id
        self.agent = agent
        self.status = .queued
        self.payload = payload
        self.createdAt = createdAt
        self.outputTruncated = false
    }
}
