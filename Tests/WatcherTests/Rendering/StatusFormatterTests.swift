import Testing

@testable import Watcher

/// Tests of `StatusFormatter`.
@Suite struct StatusFormatterTests {
    static func state(
        _ key: String, status: SessionStatus = .active, activity: [String], started: Duration = .zero
    ) -> SessionState {
        var state = SessionState(
            descriptor: SessionDescriptor(key: key, format: .claudeCode, agent: key, transcriptPath: "/x"),
            status: status, at: started)
        state.activity = activity
        return state
    }

    @Test func activeSnapshot() {
        var root = Self.state("main", activity: ["> fix the build", "▸ $ swift build", "💬 Done."])
        root.pendingTools = ["t": "x"]
        let child = Self.state("helper", activity: ["▸ read a", "▸ read b", "▸ read c"])
        let grandchild = Self.state("deep", activity: ["▸ grep x"])
        let snapshot = SessionSnapshot(
            state: root,
            children: [
                SessionSnapshot(
                    state: child, children: [SessionSnapshot(state: grandchild, takenAt: .seconds(75))],
                    takenAt: .seconds(75))
            ],
            takenAt: .seconds(75))
        let text = StatusFormatter(settings: .init(maxLines: 4)).format(snapshot)
        #expect(
            text == """
                [active] main · 1m 15s · 1 running
                > fix the build
                ▸ $ swift build
                💬 Done.
                  ↳ [active] helper · 1m 15s
                    ▸ read b
                    ▸ read c
                    ↳ [active] deep · 1m 15s
                      ▸ grep x
                """)
    }

    @Test func doneSnapshotHasFooter() {
        var root = Self.state("main", status: .done, activity: ["▸ $ ls"], started: .seconds(10))
        root.completedAt = .seconds(3735)
        root.toolCalls = 3
        root.errors = 1
        root.tokens = TokenUsage(input: 1234, output: 56, cacheRead: 2_500_000, cacheWrite: 0, cost: 0.0421)
        let text = StatusFormatter().format(SessionSnapshot(state: root, takenAt: .seconds(4000)))
        #expect(
            text == """
                [done] main · 1h 02m
                ▸ $ ls
                done in 1h 02m · 3 tool calls · 1 errors · tokens 2.5M (in 1.2k, out 56, cache 2.5M) · $0.04
                """)
    }

    @Test func longLinesAreCutToTheWidth() {
        let root = Self.state("main", activity: [String(repeating: "é", count: 50)])
        let text = StatusFormatter(settings: .init(lineWidth: 10)).format(SessionSnapshot(state: root, takenAt: .zero))
        #expect(text.split(separator: "\n").last == "ééééééééé…")
    }

    @Test(arguments: [40, 100, 333, 600, 5000])
    func capDropsOldestLinesFirst(cap: Int) {
        let lines = (1...40).map { "▸ step \($0) 👩‍👩‍👧 done" }
        let root = Self.state("main", activity: lines)
        let text = StatusFormatter(settings: .init(maxLines: 40, maxCharacters: cap)).format(
            SessionSnapshot(state: root, takenAt: .zero))
        #expect(text.unicodeScalars.count <= cap)
        if cap >= 100 {
            #expect(text.hasPrefix("[active] main"))
            #expect(text.hasSuffix("▸ step 40 👩‍👩‍👧 done"))
            // Everything fits under the biggest cap; under the others the oldest lines went first.
            #expect(text.contains("step 1 ") == (cap == 5000))
        }
    }

    @Test func hardCutNeverSplitsACharacter() {
        // A family emoji is 5 Unicode scalars but one Character: a cut must keep or drop it whole.
        let family = "👩‍👩‍👧"
        let text = String(repeating: family, count: 10)
        for limit in 1...20 {
            let cut = StatusFormatter.cut(text, maxScalars: limit)
            #expect(cut.unicodeScalars.count <= limit)
            #expect(cut.dropLast().allSatisfy { $0 == Character(family) })
            #expect(cut.hasSuffix("…"))
        }
        let root = Self.state(String(repeating: family, count: 100), activity: [])
        let capped = StatusFormatter(settings: .init(lineWidth: 500, maxCharacters: 42)).format(
            SessionSnapshot(state: root, takenAt: .zero))
        #expect(capped.unicodeScalars.count <= 42)
    }

    @Test(arguments: [(0, "0s"), (59, "59s"), (60, "1m 00s"), (3599, "59m 59s"), (7260, "2h 01m")])
    func durations(seconds: Int, text: String) {
        #expect(StatusFormatter.duration(.seconds(seconds)) == text)
    }

    @Test(arguments: [(999, "999"), (1000, "1.0k"), (15488, "15.4k"), (2_500_000, "2.5M")])
    func counts(value: Int, text: String) {
        #expect(StatusFormatter.count(value) == text)
    }
}
