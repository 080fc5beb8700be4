/// A per-server circuit breaker as a value: no clock reads, no I/O; the caller passes the time in.
///
/// Closed counts consecutive server failures; at `threshold` it opens for `cooldown`. After the cooldown one
/// request (the probe) is let through half-open: its success closes the circuit, its failure opens it again.
struct CircuitBreaker: Sendable, Equatable {
    /// Where the breaker is.
    enum State: Sendable, Equatable {
        case closed(failures: Int)
        case open(until: Duration)
        case halfOpen(probing: Bool)
    }

    /// The answer to "may I send now?".
    enum Permission: Sendable, Equatable {
        case allowed
        /// Allowed as the half-open probe; report its outcome like any other.
        case probe
        /// Not now: retry at `until`, or (nil) when the probe in flight reports back.
        case rejected(until: Duration?)
    }

    let threshold: Int
    let cooldown: Duration
    private(set) var state: State = .closed(failures: 0)

    init(threshold: Int, cooldown: Duration) {
        self.threshold = max(1, threshold)
        self.cooldown = cooldown
    }

    mutating func permit(at now: Duration) -> Permission {
        switch state {
        case .closed: return .allowed
        case .open(let until):
            guard now >= until else { return .rejected(until: until) }
            state = .halfOpen(probing: true)
            return .probe
        case .halfOpen(let probing):
            guard !probing else { return .rejected(until: nil) }
            state = .halfOpen(probing: true)
            return .probe
        }
    }

    /// A request got an answer from a healthy server; returns whether this closed an open circuit.
    mutating func recordSuccess() -> Bool {
        if case .closed = state {
            state = .closed(failures: 0)
            return false
        }
        state = .closed(failures: 0)
        return true
    }

    /// A request failed because of the server (5xx, network); returns whether this opened the circuit.
    mutating func recordFailure(at now: Duration) -> Bool {
        switch state {
        case .closed(let failures):
            guard failures + 1 >= threshold else {
                state = .closed(failures: failures + 1)
                return false
            }
            state = .open(until: now + cooldown)
            return true
        case .halfOpen:
            state = .open(until: now + cooldown)
            return true
        case .open:
            return false
        }
    }

    /// A request that was let through ended without a verdict on the server (e.g. 4xx, or cancelled).
    mutating func recordNeutral() {
        if case .halfOpen = state { state = .halfOpen(probing: false) }
    }

    /// While open, when the cooldown ends and a probe may go.
    var openUntil: Duration? {
        if case .open(let until) = state { return until }
        return nil
    }

    /// `closed`, `open` or `half_open`, as `/health` reports it.
    var name: String {
        switch state {
        case .closed: "closed"
        case .open: "open"
        case .halfOpen: "half_open"
        }
    }
}
