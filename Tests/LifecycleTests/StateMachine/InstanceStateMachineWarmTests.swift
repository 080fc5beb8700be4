import Lifecycle
import Testing

/// The warm tier's phases (`pausing`, `paused`, `resuming`), with the same guarantees as start and stop.
extension InstanceStateMachineTests {
    /// Started, then released: the idle timer armed with generation 1.
    static let idle: [Step] = [
        .acquire(.startContainer), .startSucceeded(.resumeWaiters), .release(.armIdleTimer(generation: 1)),
    ]
    /// Idle, then paused by the timer's first step.
    static let paused: [Step] =
        idle + [.pauseTimerExpired(1, .pauseContainer), .confirmPause(.pauseContainer), .pauseSucceeded(.none)]

    static let warmCases: [Case] = [
        Case(name: "the pause step freezes an idle worker", steps: paused, phase: .paused, inFlight: 0),
        Case(
            name: "the stop step stops a paused worker (same generation, counted from the same release)",
            steps: paused + [
                .idleTimerExpired(1, .stopContainer), .confirmStop(.stopContainer), .stopSucceeded(.none),
            ],
            phase: .stopped, inFlight: 0),
        Case(
            name: "a dispatch to a paused worker thaws it once; callers meanwhile wait and all get leases",
            steps: paused + [
                .acquire(.resumeContainer), .acquire(.wait), .acquire(.wait), .resumeSucceeded(.resumeWaiters),
            ],
            phase: .running, inFlight: 3),
        Case(
            name: "a dispatch after the pause decision and before the engine call wins",
            steps: idle + [.pauseTimerExpired(1, .pauseContainer), .acquire(.wait), .confirmPause(.resumeWaiters)],
            phase: .running, inFlight: 1),
        Case(
            name: "a dispatch during the engine pause waits, then thaws the worker",
            steps: idle + [
                .pauseTimerExpired(1, .pauseContainer), .confirmPause(.pauseContainer), .acquire(.wait),
                .pauseSucceeded(.resumeContainer), .resumeSucceeded(.resumeWaiters),
            ],
            phase: .running, inFlight: 1),
        Case(
            name: "a dispatch stales both steps: neither the pause nor the stop of that arming happens",
            steps: idle + [
                .acquire(.proceed), .pauseTimerExpired(1, .none), .idleTimerExpired(1, .none),
                .release(.armIdleTimer(generation: 3)),
            ],
            phase: .running, inFlight: 0),
        Case(
            name: "never pauses a worker in use",
            steps: idle + [.acquire(.proceed), .pauseTimerExpired(2, .none), .pauseTimerExpired(1, .none)],
            phase: .running, inFlight: 1),
        Case(
            name: "a failed pause leaves it running with its stop still armed, not paused again",
            steps: idle + [
                .pauseTimerExpired(1, .pauseContainer), .confirmPause(.pauseContainer), .pauseFailed(.none),
                .pauseTimerExpired(1, .none), .idleTimerExpired(1, .stopContainer),
            ],
            phase: .stopping, inFlight: 0),
        Case(
            name: "a failed pause serves the callers that waited for it",
            steps: idle + [
                .pauseTimerExpired(1, .pauseContainer), .confirmPause(.pauseContainer), .acquire(.wait),
                .pauseFailed(.resumeWaiters),
            ],
            phase: .running, inFlight: 1),
        Case(
            name: "a failed thaw falls back to a cold start for the same callers",
            steps: paused + [
                .acquire(.resumeContainer), .acquire(.wait), .resumeFailed(.startContainer),
                .startSucceeded(.resumeWaiters),
            ],
            phase: .running, inFlight: 2),
        Case(
            name: "a dispatch before stopping a paused worker thaws it instead",
            steps: paused + [.idleTimerExpired(1, .stopContainer), .acquire(.wait), .confirmStop(.resumeContainer)],
            phase: .resuming, inFlight: 0),
        Case(
            name: "a failed stop of a paused worker leaves it paused and arms the stop again",
            steps: paused + [
                .idleTimerExpired(1, .stopContainer), .confirmStop(.stopContainer),
                .stopFailed(.armIdleTimer(generation: 2)),
            ],
            phase: .paused, inFlight: 0),
        Case(
            name: "a failed stop of a paused worker with callers waiting thaws it for them",
            steps: paused + [
                .idleTimerExpired(1, .stopContainer), .confirmStop(.stopContainer), .acquire(.wait),
                .stopFailed(.resumeContainer),
            ],
            phase: .resuming, inFlight: 0),
        Case(
            name: "an operator stop of a paused worker is taken",
            steps: paused + [.stopRequested(.stopContainer)], phase: .stopping, inFlight: 0),
        Case(
            name: "a pause outside Dormouse is noticed and arms the stop from then",
            steps: idle + [.pausedExternally(.armIdleTimer(generation: 3)), .idleTimerExpired(3, .stopContainer)],
            phase: .stopping, inFlight: 0),
        Case(
            name: "an unpause outside Dormouse is noticed and the worker idles again",
            steps: paused + [
                .unpausedExternally(.armIdleTimer(generation: 3)), .pauseTimerExpired(3, .pauseContainer),
            ],
            phase: .pausing, inFlight: 0),
        Case(
            name: "Dormouse's own pause and thaw are not taken for outside ones",
            steps: idle + [
                .pauseTimerExpired(1, .pauseContainer), .pausedExternally(.none), .confirmPause(.pauseContainer),
                .pauseSucceeded(.none), .acquire(.resumeContainer), .unpausedExternally(.none),
                .resumeSucceeded(.resumeWaiters),
            ],
            phase: .running, inFlight: 1),
        Case(
            name: "a paused worker that exits (killed: any signal thaws it) is stopped; the next dispatch starts it",
            steps: paused + [.containerExited(.none), .acquire(.startContainer)], phase: .starting, inFlight: 0),
        Case(
            name: "hot workers are never paused",
            mode: .hot,
            steps: [
                .acquire(.startContainer), .startSucceeded(.resumeWaiters), .release(.none),
                .pauseTimerExpired(0, .none), .pauseTimerExpired(1, .none),
            ],
            phase: .running, inFlight: 0),
    ]

    static func applyWarm(_ step: Step, to machine: inout InstanceStateMachine, index: Int) {
        switch step {
        case .pauseTimerExpired(let generation, let expected):
            #expect(machine.pauseTimerExpired(generation: generation) == expected, "step \(index)")
        case .confirmPause(let expected): #expect(machine.confirmPause() == expected, "step \(index)")
        case .pauseSucceeded(let expected): #expect(machine.pauseSucceeded() == expected, "step \(index)")
        case .pauseFailed(let expected): #expect(machine.pauseFailed() == expected, "step \(index)")
        case .resumeSucceeded(let expected): #expect(machine.resumeSucceeded() == expected, "step \(index)")
        case .resumeFailed(let expected): #expect(machine.resumeFailed() == expected, "step \(index)")
        case .pausedExternally(let expected): #expect(machine.containerPausedExternally() == expected, "step \(index)")
        case .unpausedExternally(let expected):
            #expect(machine.containerUnpausedExternally() == expected, "step \(index)")
        case .stopRequested(let expected): #expect(machine.stopRequested() == expected, "step \(index)")
        default: Issue.record("step \(index) is not a warm-tier step")
        }
    }

    @Test func thousandDispatchesToAPausedWorkerAskForOneThaw() {
        var machine = InstanceStateMachine(mode: .lazy)
        _ = machine.acquire()
        _ = machine.startSucceeded()
        _ = machine.release()
        _ = machine.pauseTimerExpired(generation: 1)
        _ = machine.confirmPause()
        _ = machine.pauseSucceeded()
        let actions = (0..<1_000).map { _ in machine.acquire() }
        #expect(actions.filter { $0 == .resumeContainer }.count == 1)
        #expect(actions.filter { $0 == .startContainer }.isEmpty)
        #expect(machine.resumeSucceeded() == .resumeWaiters)
        #expect(machine.inFlight == 1_000)
    }
}
