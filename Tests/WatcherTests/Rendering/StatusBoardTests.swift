import Testing

@testable import Watcher

/// Tests of `StatusBoard`.
@Suite struct StatusBoardTests {
    static func update(_ key: String, _ status: SessionStatus, activity: [String], kind: SessionUpdate.Kind = .changed)
        -> SessionUpdate
    {
        var state = SessionState(
            descriptor: SessionDescriptor(key: key, format: .openClaw, agent: key, transcriptPath: "/x"),
            status: status,
            at: .zero)
        state.activity = activity
        return SessionUpdate(kind: kind, key: key, snapshot: SessionSnapshot(state: state, takenAt: .seconds(5)))
    }

    @Test func showsActiveFirstAndHidesUntouchedOldSessions() {
        var board = StatusBoard(formatter: StatusFormatter())
        #expect(board.render() == "(no active sessions)")
        let changes = [
            board.apply(Self.update("old", .done, activity: [])),
            board.apply(Self.update("b-finished", .done, activity: ["▸ $ ls"])),
            board.apply(Self.update("c-running", .active, activity: [])),
        ]
        #expect(changes == [false, true, true])
        #expect(board.visible.map(\.state.key) == ["c-running", "b-finished"])
        #expect(board.render().hasPrefix("[active] c-running · 5s\n\n[done] b-finished · 0s\n▸ $ ls\n"))
        board.apply(Self.update("c-running", .active, activity: [], kind: .removed))
        #expect(board.visible.map(\.state.key) == ["b-finished"])
    }
}
