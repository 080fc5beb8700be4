/// The timers of one HTTP/1 connection, as a value: each input returns what to do, it does no I/O.
///
/// A connection opens waiting for a request head, with the header timer running. A complete head stops the
/// timer until every response under way has ended; the connection is then idle, with the idle timer
/// running, until the first byte of the next request starts the header timer again. A timer that fires
/// closes the connection. Bytes that trickle in never extend the header timer.
struct ConnectionTimeoutStateMachine {
    /// Which timer fired, for the log.
    enum Timeout: Equatable {
        case header, idle
    }

    /// What the channel handler carries out.
    enum Action: Equatable {
        case none
        case startTimer(Duration)
        case cancelTimer
        case close(Timeout)
    }

    private enum State: Equatable {
        case new
        case awaitingHead
        case idle
        /// `requests` heads read whose responses have not ended; `bytesAfterRequest` when bytes came in
        /// after the last request was read whole (the start of a pipelined head).
        case busy(requests: Int, readingRequest: Bool, bytesAfterRequest: Bool)
        case closed
    }

    private let limits: ConnectionLimits
    private var state = State.new

    init(limits: ConnectionLimits) {
        self.limits = limits
    }

    /// The connection is open (called again when both `handlerAdded` and `channelActive` see it).
    mutating func opened() -> Action {
        guard state == .new else { return .none }
        state = .awaitingHead
        return .startTimer(limits.headerTimeout)
    }

    /// Bytes arrived from the client, before they are decoded.
    mutating func bytesArrived() -> Action {
        switch state {
        case .idle:
            state = .awaitingHead
            return .startTimer(limits.headerTimeout)
        case .busy(let requests, false, _):
            state = .busy(requests: requests, readingRequest: false, bytesAfterRequest: true)
            return .none
        case .new, .awaitingHead, .busy, .closed:
            return .none
        }
    }

    /// A request head was decoded.
    mutating func headReceived() -> Action {
        switch state {
        case .new, .awaitingHead, .idle:
            state = .busy(requests: 1, readingRequest: true, bytesAfterRequest: false)
            return .cancelTimer
        case .busy(let requests, _, _):
            state = .busy(requests: requests + 1, readingRequest: true, bytesAfterRequest: false)
            return .none
        case .closed:
            return .none
        }
    }

    /// A request was read whole (its end part).
    mutating func requestEnded() -> Action {
        if case .busy(let requests, _, _) = state {
            state = .busy(requests: requests, readingRequest: false, bytesAfterRequest: false)
        }
        return .none
    }

    /// A response was written whole (its end part).
    mutating func responseEnded() -> Action {
        guard case .busy(let requests, let reading, let bytesAfterRequest) = state else { return .none }
        guard requests <= 1 else {
            state = .busy(requests: requests - 1, readingRequest: reading, bytesAfterRequest: bytesAfterRequest)
            return .none
        }
        if reading || bytesAfterRequest {
            // A request is still coming in (a body the route did not read, or the next head).
            state = .awaitingHead
            return .startTimer(limits.headerTimeout)
        }
        state = .idle
        return .startTimer(limits.idleTimeout)
    }

    /// The running timer fired.
    mutating func timerFired() -> Action {
        switch state {
        case .awaitingHead:
            state = .closed
            return .close(.header)
        case .idle:
            state = .closed
            return .close(.idle)
        case .new, .busy, .closed:
            return .none
        }
    }

    /// The connection closed.
    mutating func closed() -> Action {
        let hadTimer = state == .awaitingHead || state == .idle
        state = .closed
        return hadTimer ? .cancelTimer : .none
    }
}
