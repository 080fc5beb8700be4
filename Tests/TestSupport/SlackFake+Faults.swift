import Foundation
import Synchronization

extension SlackFake {
    /// A scripted failure, answered instead of (or, for `delay`, before) the normal answer.
    package enum Fault: Sendable, Equatable {
        /// This HTTP status with a plain-text body (a 5xx from Slack's edge).
        case status(Int)
        /// HTTP 200 `{"ok": false, "error": code}`.
        case error(String)
        /// HTTP 429, `{"ok": false, "error": "ratelimited"}`, `Retry-After` in seconds when given.
        case rateLimited(retryAfter: Int?)
        /// The request is carried out, then answered with this status: the client cannot know it succeeded.
        case appliedThen(status: Int)
        /// The answer's head is sent, then the connection is closed mid-body.
        case dropConnection
        /// The normal answer, after this long (to make a client time out).
        case delay(Duration)
    }

    /// Which requests a scripted fault applies to: by API method (`chat.update`), any when nil.
    package struct RequestFilter: Sendable {
        package var method: String?

        package init(method: String? = nil) { self.method = method }

        package static let any = RequestFilter()

        package func matches(_ request: RecordedRequest) -> Bool { method.map { $0 == request.method } ?? true }
    }

    /// A token bucket: `perSecond` refill and room for bursts of `burst`.
    package struct RateLimit: Sendable, Equatable {
        package var perSecond: Double
        package var burst: Int

        package init(perSecond: Double, burst: Int) {
            self.perSecond = perSecond
            self.burst = burst
        }
    }

    /// Answers the next `count` requests matching `filter` with `fault`, after any faults already queued.
    package func failNext(_ count: Int = 1, with fault: Fault, where filter: RequestFilter = .any) {
        state.withLock { $0.faults += Array(repeating: (filter, fault), count: count) }
    }

    /// Answers every request with `fault` until `endOutage()`.
    package func startOutage(_ fault: Fault = .status(503)) { state.withLock { $0.outage = fault } }

    package func endOutage() { state.withLock { $0.outage = nil } }

    /// `chat.postMessage` per channel; nil turns the limit off.
    package var postingLimit: RateLimit? {
        get { state.withLock { $0.configuration.postingLimit } }
        set {
            state.withLock { state in
                state.configuration.postingLimit = newValue
                state.postingBuckets = [:]
            }
        }
    }

    /// `chat.update` for the workspace (Tier 3); nil (the default) is off.
    package var updateLimit: RateLimit? {
        get { state.withLock { $0.configuration.updateLimit } }
        set {
            state.withLock { state in
                state.configuration.updateLimit = newValue
                state.updateBucket = nil
            }
        }
    }

    /// The longest `text` in characters; Slack's is 40,000.
    package var textLimit: Int {
        get { state.withLock { $0.configuration.textLimit } }
        set { state.withLock { $0.configuration.textLimit = newValue } }
    }
}

extension SlackFake.State {
    /// The fault for a request that just arrived: the outage, else the first queued fault that matches it.
    mutating func takeFault(for request: SlackFake.RecordedRequest) -> SlackFake.Fault? {
        if let outage { return outage }
        guard let index = faults.firstIndex(where: { $0.filter.matches(request) }) else { return nil }
        return faults.remove(at: index).fault
    }

    /// Takes one request from a bucket; nil when allowed, else the whole seconds until one is available.
    static func take(
        _ bucket: inout (tokens: Double, at: Date)?, limit: SlackFake.RateLimit?, at now: Date
    ) -> Int? {
        guard let limit else { return nil }
        let capacity = Double(limit.burst)
        let previous = bucket ?? (capacity, now)
        var tokens = min(capacity, previous.tokens + max(0, now.timeIntervalSince(previous.at)) * limit.perSecond)
        defer { bucket = (tokens, now) }
        guard tokens >= 1 else { return max(1, Int(((1 - tokens) / limit.perSecond).rounded(.up))) }
        tokens -= 1
        return nil
    }
}

extension SlackFake.Reply {
    /// The answer a fault gives (`delay` has none of its own).
    init?(_ fault: SlackFake.Fault) {
        switch fault {
        case .status(let status), .appliedThen(let status):
            self = .plainText(status: status, "upstream error\n")
        case .error(let code):
            self = .error(code)
        case .rateLimited(let retryAfter):
            self = .rateLimited(retryAfter: retryAfter)
        case .dropConnection:
            self = .plainText(status: 200, "")
            dropsConnection = true
        case .delay:
            return nil
        }
    }
}
