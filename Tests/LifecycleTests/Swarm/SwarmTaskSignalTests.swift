import Lifecycle
import TestSupport
import Testing

/// The signal that cuts a Swarm task poll short, on a manual clock.
@Suite struct SwarmTaskSignalTests {
    @Test func aChangeAlreadySignalledEndsTheWaitAtOnce() async {
        let signal = SwarmTaskSignal()
        let seen = signal.generation
        signal.fire()
        #expect(await signal.wait(after: seen, atMost: .seconds(3600), clock: TestClock()))
    }

    @Test func aChangeWhileWaitingEndsTheWait() async {
        let signal = SwarmTaskSignal()
        let clock = TestClock()
        let seen = signal.generation
        let waiting = Task { await signal.wait(after: seen, atMost: .seconds(3600), clock: clock) }
        await clock.waitForSleepers(count: 1)
        signal.fire()
        #expect(await waiting.value)
    }

    @Test func withoutAChangeTheIntervalEndsTheWait() async {
        let signal = SwarmTaskSignal()
        let clock = TestClock()
        let waiting = Task { await signal.wait(after: signal.generation, atMost: .seconds(5), clock: clock) }
        await clock.waitForSleepers(count: 1)
        clock.advance(by: .seconds(5))
        #expect(await waiting.value == false)
    }

    @Test func cancellingTheWaiterEndsTheWait() async {
        let signal = SwarmTaskSignal()
        let clock = TestClock()
        let waiting = Task { await signal.wait(after: signal.generation, atMost: .seconds(3600), clock: clock) }
        await clock.waitForSleepers(count: 1)
        waiting.cancel()
        #expect(await waiting.value == false)
    }

    /// After a change the pace reads every 10 ms for a few reads, then goes back to its interval.
    @Test func aChangeQuickensTheNextReadsThenThePaceSettles() async {
        let signal = SwarmTaskSignal()
        let clock = TestClock()
        var pace = SwarmTaskSignal.Pace(interval: .seconds(1), quickInterval: .milliseconds(10), quickReads: 2)
        signal.fire()
        #expect(await pace.wait(on: signal, after: 0, clock: clock))
        var deadlines: [Duration] = []
        for _ in 0..<3 {
            let start = clock.now
            let waiting = Task { [pace] in
                var pace = pace
                let signalled = await pace.wait(on: signal, after: signal.generation, clock: clock)
                return (pace, signalled)
            }
            await clock.waitForSleepers(count: 1)
            let deadline = clock.sleeperDeadlines.first!
            deadlines.append(start.duration(to: deadline))
            clock.advance(by: start.duration(to: deadline))
            let (next, signalled) = await waiting.value
            #expect(!signalled)
            pace = next
        }
        #expect(deadlines == [.milliseconds(10), .milliseconds(10), .seconds(1)])
    }
}
