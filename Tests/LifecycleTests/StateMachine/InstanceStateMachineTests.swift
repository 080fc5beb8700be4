import Lifecycle
import Testing

@Suite("InstanceStateMachine")
struct InstanceStateMachineTests {
    /// One input to the machine and what the owner must do after it.
    enum Step: Sendable, CustomStringConvertible {
        case acquire(InstanceStateMachine.AcquireAction)
        case release(InstanceStateMachine.Action)
        case startSucceeded(InstanceStateMachine.Action)
        case startFailed(InstanceStateMachine.Action)
        case idleTimerExpired(UInt64, InstanceStateMachine.Action)
        case confirmStop(InstanceStateMachine.Action)
        case stopSucceeded(InstanceStateMachine.Action)
        case stopFailed(InstanceStateMachine.Action)
        case containerExited(InstanceStateMachine.Action)
        case startedExternally(InstanceStateMachine.Action)
        case pauseTimerExpired(UInt64, InstanceStateMachine.Action)
        case confirmPause(InstanceStateMachine.Action)
        case pauseSucceeded(InstanceStateMachine.Action)
        case pauseFailed(InstanceStateMachine.Action)
        case resumeSucceeded(InstanceStateMachine.Action)
        case resumeFailed(InstanceStateMachine.Action)
        case pausedExternally(InstanceStateMachine.Action)
        case unpausedExternally(InstanceStateMachine.Action)
        case stopRequested(InstanceStateMachine.Action)

        var description: String { "\(self)" }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var mode: LifecyclePolicy.Mode = .lazy
        var steps: [Step]
        var phase: InstanceStateMachine.Phase
        var inFlight: Int

        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "cold acquire starts once; callers that arrive meanwhile wait and get leases",
            steps: [.acquire(.startContainer), .acquire(.wait), .acquire(.wait), .startSucceeded(.resumeWaiters)],
            phase: .running, inFlight: 3),
        Case(
            name: "warm acquire proceeds",
            steps: [.acquire(.startContainer), .startSucceeded(.resumeWaiters), .acquire(.proceed)],
            phase: .running, inFlight: 2),
        Case(
            name: "last release arms the idle timer; expiry stops the container",
            steps: [
                .acquire(.startContainer), .startSucceeded(.resumeWaiters), .release(.armIdleTimer(generation: 1)),
                .idleTimerExpired(1, .stopContainer), .confirmStop(.stopContainer), .stopSucceeded(.none),
            ],
            phase: .stopped, inFlight: 0),
        Case(
            name: "a release that leaves work in flight arms nothing",
            steps: [.acquire(.startContainer), .acquire(.wait), .startSucceeded(.resumeWaiters), .release(.none)],
            phase: .running, inFlight: 1),
        Case(
            name: "a timer armed before a later dispatch is stale and stops nothing",
            steps: [
                .acquire(.startContainer), .startSucceeded(.resumeWaiters), .release(.armIdleTimer(generation: 1)),
                .acquire(.proceed), .idleTimerExpired(1, .none), .release(.armIdleTimer(generation: 3)),
                .idleTimerExpired(1, .none),
            ],
            phase: .running, inFlight: 0),
        Case(
            name: "never stops a worker in use, even with a current generation",
            steps: [
                .acquire(.startContainer), .startSucceeded(.resumeWaiters), .release(.armIdleTimer(generation: 1)),
                .acquire(.proceed), .idleTimerExpired(2, .none),
            ],
            phase: .running, inFlight: 1),
        Case(
            name: "a dispatch between the stop decision and the engine call wins",
            steps: [
                .acquire(.startContainer), .startSucceeded(.resumeWaiters), .release(.armIdleTimer(generation: 1)),
                .idleTimerExpired(1, .stopContainer), .acquire(.wait), .confirmStop(.resumeWaiters),
            ],
            phase: .running, inFlight: 1),
        Case(
            name: "a dispatch during the engine stop waits, then starts the container again",
            steps: [
                .acquire(.startContainer), .startSucceeded(.resumeWaiters), .release(.armIdleTimer(generation: 1)),
                .idleTimerExpired(1, .stopContainer), .confirmStop(.stopContainer), .acquire(.wait),
                .stopSucceeded(.startContainer), .startSucceeded(.resumeWaiters),
            ],
            phase: .running, inFlight: 1),
        Case(
            name: "start failure fails every waiter and a later acquire retries",
            steps: [
                .acquire(.startContainer), .acquire(.wait), .startFailed(.failWaiters), .acquire(.startContainer),
                .startSucceeded(.resumeWaiters),
            ],
            phase: .running, inFlight: 1),
        Case(
            name: "stop failure leaves it running and idles again",
            steps: [
                .acquire(.startContainer), .startSucceeded(.resumeWaiters), .release(.armIdleTimer(generation: 1)),
                .idleTimerExpired(1, .stopContainer), .confirmStop(.stopContainer),
                .stopFailed(.armIdleTimer(generation: 2)),
            ],
            phase: .running, inFlight: 0),
        Case(
            name: "stop failure serves callers that waited for the stop",
            steps: [
                .acquire(.startContainer), .startSucceeded(.resumeWaiters), .release(.armIdleTimer(generation: 1)),
                .idleTimerExpired(1, .stopContainer), .confirmStop(.stopContainer), .acquire(.wait),
                .stopFailed(.resumeWaiters),
            ],
            phase: .running, inFlight: 1),
        Case(
            name: "hot workers are never idle-stopped",
            mode: .hot,
            steps: [
                .acquire(.startContainer), .startSucceeded(.resumeWaiters), .release(.none),
                .idleTimerExpired(0, .none), .idleTimerExpired(1, .none),
            ],
            phase: .running, inFlight: 0),
        Case(
            name: "a container that exits outside Dormouse is stopped; the next acquire starts it",
            steps: [
                .acquire(.startContainer), .startSucceeded(.resumeWaiters), .containerExited(.none), .release(.none),
                .acquire(.startContainer),
            ],
            phase: .starting, inFlight: 0),
        Case(
            name: "a container started outside Dormouse is adopted and idles out",
            steps: [.startedExternally(.armIdleTimer(generation: 1)), .idleTimerExpired(1, .stopContainer)],
            phase: .stopping, inFlight: 0),
        Case(
            name: "releases without a lease are ignored",
            steps: [.release(.none), .release(.none)],
            phase: .stopped, inFlight: 0),
        Case(
            name: "exit events while starting or stopping are left to the start and stop themselves",
            steps: [.acquire(.startContainer), .containerExited(.none), .startSucceeded(.resumeWaiters)],
            phase: .running, inFlight: 1),
    ]

    @Test(arguments: cases + warmCases)
    func transitions(_ testCase: Case) {
        var machine = InstanceStateMachine(mode: testCase.mode)
        for (index, step) in testCase.steps.enumerated() {
            switch step {
            case .acquire(let expected):
                #expect(machine.acquire() == expected, "step \(index)")
            case .release(let expected):
                #expect(machine.release() == expected, "step \(index)")
            case .startSucceeded(let expected):
                #expect(machine.startSucceeded() == expected, "step \(index)")
            case .startFailed(let expected):
                #expect(machine.startFailed() == expected, "step \(index)")
            case .idleTimerExpired(let generation, let expected):
                #expect(machine.idleTimerExpired(generation: generation) == expected, "step \(index)")
            case .confirmStop(let expected):
                #expect(machine.confirmStop() == expected, "step \(index)")
            case .stopSucceeded(let expected):
                #expect(machine.stopSucceeded() == expected, "step \(index)")
            case .stopFailed(let expected):
                #expect(machine.stopFailed() == expected, "step \(index)")
            case .containerExited(let expected):
                #expect(machine.containerExited() == expected, "step \(index)")
            case .startedExternally(let expected):
                #expect(machine.containerStartedExternally() == expected, "step \(index)")
            default:
                Self.applyWarm(step, to: &machine, index: index)
            }
        }
        #expect(machine.phase == testCase.phase)
        #expect(machine.inFlight == testCase.inFlight)
    }

    @Test func thousandConcurrentAcquiresAskForOneStart() {
        var machine = InstanceStateMachine(mode: .lazy)
        let actions = (0..<1_000).map { _ in machine.acquire() }
        #expect(actions.filter { $0 == .startContainer }.count == 1)
        #expect(machine.waiting == 1_000)
        #expect(machine.startSucceeded() == .resumeWaiters)
        #expect(machine.inFlight == 1_000)
    }
}
