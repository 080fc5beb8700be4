import Testing

@testable import Server

@Suite("Connection timeouts, as a value")
struct ConnectionTimeoutStateMachineTests {
    typealias Machine = ConnectionTimeoutStateMachine
    static let limits = ConnectionLimits(headerTimeout: .seconds(10), idleTimeout: .seconds(60))

    /// One input to the machine.
    enum Input: Sendable {
        case opened, bytes, head, requestEnd, responseEnd, timer, closed

        func apply(to machine: inout Machine) -> Machine.Action {
            switch self {
            case .opened: machine.opened()
            case .bytes: machine.bytesArrived()
            case .head: machine.headReceived()
            case .requestEnd: machine.requestEnded()
            case .responseEnd: machine.responseEnded()
            case .timer: machine.timerFired()
            case .closed: machine.closed()
            }
        }
    }

    static let header = Machine.Action.startTimer(.seconds(10))
    static let idle = Machine.Action.startTimer(.seconds(60))

    @Test(
        arguments: [
            // A client that connects and sends nothing, or trickles a head that never ends: the header timer,
            // started once at the opening, closes it; bytes do not restart it.
            ([.opened, .timer], [header, .close(.header)]),
            ([.opened, .bytes, .bytes, .bytes, .timer], [header, .none, .none, .none, .close(.header)]),
            // A request then nothing: the idle timer.
            (
                [.opened, .bytes, .head, .requestEnd, .responseEnd, .timer],
                [header, .none, .cancelTimer, .none, idle, .close(.idle)]
            ),
            // The next request's first byte swaps the idle timer for the header timer.
            (
                [.opened, .head, .requestEnd, .responseEnd, .bytes, .bytes, .timer],
                [header, .cancelTimer, .none, idle, header, .none, .close(.header)]
            ),
            // A response being written (an event stream) has no timer at all, however long it lasts.
            ([.opened, .head, .requestEnd, .bytes, .timer], [header, .cancelTimer, .none, .none, .none]),
            // Pipelined requests: the timer waits for the last response; bytes after the last request read
            // mean a head is under way.
            (
                [.opened, .head, .requestEnd, .head, .requestEnd, .responseEnd, .responseEnd],
                [header, .cancelTimer, .none, .none, .none, .none, idle]
            ),
            ([.opened, .head, .requestEnd, .bytes, .responseEnd], [header, .cancelTimer, .none, .none, header]),
            // A response that ends before its request was read whole (an unread body): the header timer.
            ([.opened, .head, .responseEnd], [header, .cancelTimer, header]),
            // Opened twice (handlerAdded and channelActive) starts one timer; a close cancels a running one.
            ([.opened, .opened, .closed, .timer], [header, .none, .cancelTimer, .none]),
        ] as [([Input], [Machine.Action])])
    func inputsGiveActions(inputs: [Input], expected: [Machine.Action]) {
        var machine = Machine(limits: Self.limits)
        let actions = inputs.map { $0.apply(to: &machine) }
        #expect(actions == expected, "\(inputs)")
    }

    @Test(arguments: [(0, 8), (64, 32), (1_024, 512), (20_000, 4_096), (Int.max, 4_096)])
    func theDefaultCapIsHalfTheOpenFileLimitWithinBounds(limit: Int, cap: Int) {
        #expect(ConnectionLimits.defaultMaxConnections(openFileLimit: limit) == cap)
    }
}
