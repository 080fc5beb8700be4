import Testing

@testable import Registry

/// The span rules without a database: repeated transitions, events on the window's edges, and steps.
@Suite("Timeline spans")
struct TimelineBuilderTests {
    static func event(_ id: Int64, _ type: String, at ts: Int64, latency: Double? = nil) -> TimelineEvent {
        TimelineEvent(id: id, type: type, ts: ts, latencyMilliseconds: latency, trigger: "dispatch")
    }

    static func describe(_ spans: [TimelineSpan]) -> [String] {
        spans.map { "\($0.state.rawValue) \($0.from)-\($0.to)\($0.open ? " open" : "")" }
    }

    @Test func aTransitionRepeatedIsNoBoundary() {
        let window = TimelineWindow(since: 0, until: 100, now: 200)
        let spans = TimelineBuilder.spans(
            [
                Self.event(1, "lazy_start", at: 10), Self.event(2, "lazy_start", at: 20),
                Self.event(3, "lazy_stop", at: 30),
            ],
            window: window, createdAt: 0, current: .asleep)
        #expect(Self.describe(spans) == ["asleep 0-10", "awake 10-30", "asleep 30-100"])
        #expect(spans[1].began?.id == 1 && spans[1].ended?.id == 3)
    }

    @Test func withoutEventsTheCurrentStateHeldAllAlong() {
        let window = TimelineWindow(since: 0, until: 100, now: 100)
        #expect(
            Self.describe(TimelineBuilder.spans([], window: window, createdAt: 40, current: .paused))
                == ["paused 40-100 open"])
        #expect(TimelineBuilder.spans([], window: window, createdAt: 100, current: .awake).isEmpty)
    }

    @Test func anEventOnTheWindowsStartLeavesNoEmptySpan() {
        let window = TimelineWindow(since: 10, until: 100, now: 100)
        let spans = TimelineBuilder.spans(
            [Self.event(1, "lazy_start", at: 10)], window: window, createdAt: 0, current: .awake)
        #expect(Self.describe(spans) == ["awake 10-100 open"])
    }

    @Test func aThawFromBeforeTheHistoryWasPaused() {
        let window = TimelineWindow(since: 0, until: 100, now: 100)
        let spans = TimelineBuilder.spans(
            [Self.event(1, "lazy_resume", at: 50, latency: 15)], window: window, createdAt: 0, current: .awake)
        #expect(Self.describe(spans) == ["paused 0-50", "awake 50-100 open"])
        #expect(
            TimelineBuilder.wakes([Self.event(1, "lazy_resume", at: 50, latency: 15)], window: window, agent: "a")
                .map(\.kind) == [.warm])
    }

    @Test func aReconcileStartIsNoWake() {
        let window = TimelineWindow(since: 0, until: 100, now: 100)
        var corrected = Self.event(1, "lazy_start", at: 50, latency: 0)
        corrected.trigger = "reconcile"
        #expect(TimelineBuilder.wakes([corrected], window: window, agent: "a").isEmpty)
    }

    @Test func stepsCoverOnlyTheTimeSinceTheAgentWasDeclared() {
        let window = TimelineWindow(since: 0, until: 100, now: 100, stepMilliseconds: 40)
        let exact = TimelineBuilder.spans(
            [Self.event(1, "lazy_start", at: 55, latency: 5), Self.event(2, "lazy_pause", at: 70)], window: window,
            createdAt: 45, current: .paused)
        let steps = TimelineBuilder.steps(exact, window: window, step: 40)
        // Steps [0, 40), [40, 80), [80, 100): not declared, then asleep 10 and awake 15 and paused 10, then paused.
        #expect(steps.awakeMilliseconds == [nil, 15, 0])
        #expect(steps.pausedMilliseconds == [nil, 10, 20])
        #expect(steps.wakes == [nil, 1, 0])
    }

    @Test func percentilesAreNearestRank() {
        let latencies = TimelineWakes.Latencies((1...20).map(Double.init))
        #expect(latencies.count == 20 && latencies.p50 == 10 && latencies.p95 == 19)
        #expect(TimelineWakes.Latencies([7]).p95 == 7)
    }
}
