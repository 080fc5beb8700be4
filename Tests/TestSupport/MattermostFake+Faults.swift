import Foundation
import Synchronization

extension MattermostFake {
    /// A scripted failure, answered instead of (or, for `delay`, before) the normal answer.
    package enum Fault: Sendable, Equatable {
        /// An AppError JSON body with this status and id.
        case status(Int, id: String = "fake.injected.app_error")
        /// Mattermost's rate limiter: 429, plain-text body `limit exceeded`, `Retry-After` in seconds when given.
        case rateLimited(retryAfter: Int?)
        /// Any status with a plain-text (non-JSON) body, like a proxy in front of the server.
        case plainText(status: Int, body: String)
        /// The answer's head is sent, then the connection is closed mid-body.
        case dropConnection
        /// The normal answer, after this long (to make a client time out).
        case delay(Duration)
    }

    /// Which requests a scripted fault applies to.
    package struct RequestFilter: Sendable {
        package var method: String?
        package var pathPrefix: String?

        package init(method: String? = nil, pathPrefix: String? = nil) {
            self.method = method
            self.pathPrefix = pathPrefix
        }

        package static let any = RequestFilter()

        package func matches(_ request: RecordedRequest) -> Bool {
            (method.map { $0 == request.method } ?? true) && (pathPrefix.map(request.path.hasPrefix) ?? true)
        }
    }

    /// Mattermost's optional rate limiter (`RateLimitSettings`, off by default): `perSecond` requests a second
    /// with bursts of `burst`, over every client; headers `X-Ratelimit-*` and, on 429, `Retry-After`.
    package struct RateLimit: Sendable, Equatable {
        package var perSecond: Double
        package var burst: Int

        package init(perSecond: Double = 10, burst: Int = 100) {
            self.perSecond = perSecond
            self.burst = burst
        }
    }

    /// Answers the next `count` requests matching `filter` with `fault`, after any faults already queued.
    package func failNext(_ count: Int = 1, with fault: Fault, where filter: RequestFilter = .any) {
        state.withLock { state in
            state.faults += Array(repeating: (filter, fault), count: count)
        }
    }

    /// Answers every request with `fault` until `endOutage()`.
    package func startOutage(_ fault: Fault = .status(503, id: "fake.outage.app_error")) {
        state.withLock { $0.outage = fault }
    }

    package func endOutage() {
        state.withLock { $0.outage = nil }
    }

    /// The built-in rate limiter; nil (the default) is off.
    package var rateLimit: RateLimit? {
        get { state.withLock { $0.configuration.rateLimit } }
        set {
            state.withLock { state in
                state.configuration.rateLimit = newValue
                state.bucket = nil
            }
        }
    }

    /// `ServiceSettings.PostEditTimeLimit` in seconds: edits of the message of an older post answer 400.
    package var editTimeLimit: Int? {
        get { state.withLock { $0.configuration.editTimeLimit } }
        set { state.withLock { $0.configuration.editTimeLimit = newValue } }
    }

    /// The longest message in runes; Mattermost's is 16383.
    package var messageLimit: Int {
        get { state.withLock { $0.configuration.messageLimit } }
        set { state.withLock { $0.configuration.messageLimit = newValue } }
    }
}

extension MattermostFake.State {
    /// The fault for a request that just arrived: the outage, else the first queued fault that matches it.
    mutating func takeFault(for request: MattermostFake.RecordedRequest) -> MattermostFake.Fault? {
        if let outage { return outage }
        guard let index = faults.firstIndex(where: { $0.filter.matches(request) }) else { return nil }
        return faults.remove(at: index).fault
    }

    /// Takes one request from the rate limiter's bucket; the headers to send, and whether the request is refused.
    mutating func rateLimitHeaders(at now: Date) -> (headers: [(String, String)], refused: Bool)? {
        guard let limit = configuration.rateLimit else { return nil }
        let capacity = Double(limit.burst)
        let previous = bucket ?? (capacity, now)
        var tokens = min(capacity, previous.tokens + max(0, now.timeIntervalSince(previous.at)) * limit.perSecond)
        let refused = tokens < 1
        if !refused { tokens -= 1 }
        bucket = (tokens, now)
        var headers = [
            ("X-Ratelimit-Limit", "\(limit.burst)"), ("X-Ratelimit-Remaining", "\(Int(tokens))"),
            ("X-Ratelimit-Reset", "\(Int(((capacity - tokens) / limit.perSecond).rounded(.up)))"),
        ]
        if refused { headers.append(("Retry-After", "\(Int(((1 - tokens) / limit.perSecond).rounded(.up)))")) }
        return (headers, refused)
    }
}

extension MattermostFake.Reply {
    /// The answer a fault gives (`delay` has none of its own).
    init?(_ fault: MattermostFake.Fault) {
        switch fault {
        case .status(let status, let id):
            self = .appError(status: status, id: id)
        case .rateLimited(let retryAfter):
            // What `http.Error(w, "limit exceeded", 429)` in app/ratelimit.go writes.
            self = .plainText(status: 429, "limit exceeded\n")
            if let retryAfter { headers.append(("Retry-After", "\(retryAfter)")) }
        case .plainText(let status, let body):
            self = .plainText(status: status, body)
        case .dropConnection:
            self = .plainText(status: 200, "")
            dropsConnection = true
        case .delay:
            return nil
        }
    }
}
