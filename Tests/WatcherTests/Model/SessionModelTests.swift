import Testing

@testable import Watcher

/// Tests of `SessionModel`.
@Suite struct SessionModelTests {
    static func descriptor(_ key: String, parent: String? = nil) -> SessionDescriptor {
        SessionDescriptor(
            key: key, format: .openClaw, agent: key, transcriptPath: "/tmp/\(key).jsonl", parentKey: parent)
    }

    static func model(idle: Duration = .seconds(60)) -> SessionModel {
        SessionModel(settings: .init(idleTimeout: idle, maxActivityLines: 3, orphanTimeout: .seconds(300)))
    }

    static let call = TranscriptEvent.toolCallStarted(ToolCall(id: "c1", name: "Bash", arguments: ["command": "ls"]))

    @Test func activityIsLabelledAndCapped() {
        var model = Self.model()
        _ = model.add(Self.descriptor("a"), active: true, at: .zero)
        _ = model.apply(
            [.userPrompt("hi"), Self.call, .assistantText("ok"), .thinking("hmm"), .tokens(TokenUsage(input: 4))],
            to: "a", at: .seconds(1))
        let state = model.sessions["a"]!
        #expect(state.activity == ["▸ $ ls", "💬 ok", "💭 hmm"])
        #expect(state.pendingTools == ["c1": "$ ls"])
        #expect(state.tokens.input == 4)
        _ = model.apply([.toolResult(id: "c1", name: "Bash", isError: true, summary: "boom")], to: "a", at: .seconds(2))
        #expect(model.sessions["a"]!.pendingTools.isEmpty)
        #expect(model.sessions["a"]!.activity.last == "✗ $ ls: boom")
        #expect(model.sessions["a"]!.errors == 1)
    }

    @Test(arguments: [
        (TurnOutcome.done, SessionStatus.done), (.error, .error), (.interrupted, .interrupted),
    ])
    func turnEndCompletesWithItsOutcome(outcome: TurnOutcome, status: SessionStatus) {
        var model = Self.model()
        _ = model.add(Self.descriptor("a"), active: true, at: .zero)
        let changed = model.apply([.turnEnded(outcome)], to: "a", at: .seconds(5))
        #expect(changed == ["a"])
        #expect(model.sessions["a"]!.status == status)
        #expect(model.sessions["a"]!.completedAt == .seconds(5))
    }

    @Test func idleTimeoutCompletes() {
        var model = Self.model(idle: .seconds(60))
        _ = model.add(Self.descriptor("a"), active: true, at: .zero)
        _ = model.apply([Self.call], to: "a", at: .seconds(10))
        #expect(model.tick(at: .seconds(69)).isEmpty)
        #expect(model.sessions["a"]!.status == .active)
        #expect(model.tick(at: .seconds(70)) == ["a"])
        #expect(model.sessions["a"]!.status == .done)
        #expect(model.sessions["a"]!.completedAt == .seconds(10))
    }

    @Test func trailingWriteDoesNotReactivate() {
        var model = Self.model()
        _ = model.add(Self.descriptor("a"), active: true, at: .zero)
        _ = model.apply([.turnEnded(.done)], to: "a", at: .seconds(1))
        _ = model.apply([.assistantText("late"), .tokens(TokenUsage(output: 3)), Self.call], to: "a", at: .seconds(2))
        _ = model.tick(at: .seconds(3))
        #expect(model.sessions["a"]!.status == .done)
        #expect(model.sessions["a"]!.tokens.output == 3)
    }

    @Test func newPromptReactivates() {
        var model = Self.model()
        _ = model.add(Self.descriptor("a"), active: true, at: .zero)
        _ = model.apply([.turnEnded(.done)], to: "a", at: .seconds(1))
        _ = model.apply([.userPrompt("again")], to: "a", at: .seconds(100))
        let state = model.sessions["a"]!
        #expect(state.status == .active)
        #expect(state.startedAt == .seconds(100))
        #expect(state.completedAt == nil)
    }

    @Test func registryProofReactivates() {
        var model = Self.model()
        var descriptor = Self.descriptor("a")
        descriptor.updatedAt = 1000
        _ = model.add(descriptor, active: true, at: .zero)
        _ = model.apply([.turnEnded(.done)], to: "a", at: .seconds(1))
        descriptor.label = "renamed"
        _ = model.add(descriptor, active: true, at: .seconds(2))
        #expect(model.sessions["a"]!.status == .done)
        descriptor.updatedAt = 2000
        _ = model.add(descriptor, active: true, at: .seconds(3))
        #expect(model.sessions["a"]!.status == .active)
        _ = model.apply([.turnEnded(.done)], to: "a", at: .seconds(4))
        descriptor.isLocked = true
        _ = model.add(descriptor, active: true, at: .seconds(5))
        #expect(model.sessions["a"]!.status == .active)
    }

    @Test func childQueuedUntilParentAppears() {
        var model = Self.model()
        let changed = model.add(Self.descriptor("child", parent: "parent"), active: true, at: .zero)
        #expect(changed.isEmpty)
        #expect(model.queued.keys.contains("child"))
        #expect(model.rootKeys.isEmpty)
        #expect(model.add(Self.descriptor("parent"), active: true, at: .seconds(1)) == ["parent"])
        #expect(model.queued.isEmpty)
        #expect(model.sessions["parent"]!.children == ["child"])
        #expect(model.rootKey(of: "child") == "parent")
        #expect(model.apply([Self.call], to: "child", at: .seconds(2)) == ["parent"])
    }

    @Test func queuedChildExpiresToTopLevel() {
        var model = Self.model()
        _ = model.add(Self.descriptor("child", parent: "ghost"), active: true, at: .zero)
        #expect(model.tick(at: .seconds(299)).isEmpty)
        #expect(model.tick(at: .seconds(300)) == ["child"])
        #expect(model.queued.isEmpty)
        #expect(model.rootKeys == ["child"])
    }

    @Test func threeLevelsNestInTheSnapshot() {
        var model = Self.model()
        _ = model.add(Self.descriptor("root"), active: true, at: .zero)
        _ = model.add(Self.descriptor("child", parent: "root"), active: true, at: .zero)
        _ = model.add(Self.descriptor("grandchild", parent: "child"), active: true, at: .zero)
        _ = model.add(Self.descriptor("great", parent: "grandchild"), active: true, at: .zero)
        #expect(model.rootKeys == ["root"])
        #expect(model.apply([Self.call], to: "great", at: .seconds(1)) == ["root"])
        let full = model.snapshot(of: "root", maxDepth: 3, at: .seconds(1))!
        #expect(full.children.first?.children.first?.children.first?.state.key == "great")
        let shallow = model.snapshot(of: "root", maxDepth: 1, at: .seconds(1))!
        #expect(shallow.children.first?.state.key == "child")
        #expect(shallow.children.first?.children.isEmpty == true)
        #expect(shallow.children.first?.hiddenDescendants == 2)
    }

    @Test func parentWaitsForChildrenThenCascades() {
        var model = Self.model(idle: .seconds(60))
        _ = model.add(Self.descriptor("root"), active: true, at: .zero)
        _ = model.add(Self.descriptor("child", parent: "root"), active: true, at: .zero)
        _ = model.add(Self.descriptor("grandchild", parent: "child"), active: true, at: .zero)
        _ = model.apply([.turnEnded(.done)], to: "root", at: .seconds(1))
        _ = model.apply([Self.call], to: "grandchild", at: .seconds(50))
        #expect(model.tick(at: .seconds(100)).isEmpty)
        #expect(model.sessions["root"]!.status == .active)
        #expect(model.sessions["child"]!.status == .active)
        // The grandchild idles out at 110 s; the child and root idled long ago, so all three complete together.
        #expect(model.tick(at: .seconds(110)) == ["root"])
        #expect(model.sessions.values.allSatisfy { $0.status == .done })
        #expect(model.sessions["grandchild"]!.completedAt == .seconds(50))
        // Parents end with their last child, not when the cascade noticed it.
        #expect(model.sessions["child"]!.completedAt == .seconds(50))
        #expect(model.sessions["root"]!.completedAt == .seconds(50))
    }

    @Test func parentIdleButNotPastItsOwnIdleTimeStaysActive() {
        var model = Self.model(idle: .seconds(60))
        _ = model.add(Self.descriptor("root"), active: true, at: .zero)
        _ = model.add(Self.descriptor("child", parent: "root"), active: true, at: .zero)
        _ = model.apply([Self.call], to: "root", at: .seconds(30))
        _ = model.apply([.turnEnded(.done)], to: "child", at: .seconds(40))
        #expect(model.sessions["child"]!.status == .done)
        #expect(model.sessions["root"]!.status == .active)
        _ = model.tick(at: .seconds(90))
        #expect(model.sessions["root"]!.status == .done)
    }

    @Test func removingAParentPromotesChildren() {
        var model = Self.model()
        _ = model.add(Self.descriptor("root"), active: true, at: .zero)
        _ = model.add(Self.descriptor("child", parent: "root"), active: true, at: .zero)
        #expect(model.remove("root") == ["root", "child"])
        #expect(model.rootKeys == ["child"])
    }
}
