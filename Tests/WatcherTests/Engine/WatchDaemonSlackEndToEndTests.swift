import Foundation
import TestSupport
import Testing

@testable import Watcher

/// The daemon from transcript files to Slack messages: real files appended over time, the real engine and relay,
/// and the Slack fake over HTTP (see `DaemonHarness`).
@Suite struct WatchDaemonSlackEndToEndTests {
    static func message(of key: String, in snapshot: SlackFake.Snapshot) -> SlackFake.Message? {
        snapshot.message(marker: StatusBox.marker(for: key))
    }

    @Test func oneMessagePerSessionEditedInPlaceWithEscapedText() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let fake = SlackFake()
        try await fake.start()
        let daemon = try await DaemonHarness(directory: directory, slack: fake)
        let first = daemon.transcript("s1")
        let second = daemon.transcript("s2")
        let short = try Fixtures.lines(Fixtures.claudeShort)
        let heavy = try Fixtures.lines(Fixtures.claudeToolHeavy)
        for index in 0..<8 {
            #expect(try await daemon.feed([short[3 + index]], to: first, root: "claude:s1"))
            #expect(try await daemon.feed([heavy[3 + index]], to: second, root: "claude:s2"))
        }
        let ended = [DaemonHarness.turnEnded]
        #expect(try await daemon.feed(ended, to: second, root: "claude:s2"))
        #expect(try await daemon.feed(ended, to: first, root: "claude:s1"))
        let done = await fake.waitFor { snapshot in
            ["claude:s1", "claude:s2"].allSatisfy { Self.message(of: $0, in: snapshot)?.payload("status") == "done" }
        }
        #expect(done)
        let snapshot = fake.snapshot
        #expect(snapshot.requests(to: "chat.postMessage").count == 2)
        #expect(snapshot.messages.count == 2)
        let heavyMessage = try #require(Self.message(of: "claude:s2", in: snapshot))
        #expect(heavyMessage.text.hasPrefix("[done]"), "\(heavyMessage.text)")
        #expect(heavyMessage.text.contains("&gt; start phoenix in background"), "\(heavyMessage.text)")
        #expect(heavyMessage.channel == fake.channelID)
        // Slack's pace (one write per second to a channel) coalesces the fast feed: at least the post made first is
        // edited in place to its final state.
        #expect(snapshot.requests(to: "chat.update").count >= 1)
        try await daemon.stop()
        await fake.stop()
    }

    @Test func theFinalStateArrivesAfterA429AndA500Burst() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let fake = SlackFake()
        try await fake.start()
        let daemon = try await DaemonHarness(directory: directory, slack: fake)
        let path = daemon.transcript("s1")
        let lines = try Fixtures.lines(Fixtures.claudeShort)
        #expect(try await daemon.feed([lines[3]], to: path, root: "claude:s1"))
        #expect(await fake.waitForRequests(1, to: "chat.postMessage"))
        let updates = SlackFake.RequestFilter(method: "chat.update")
        fake.failNext(with: .rateLimited(retryAfter: 1), where: updates)
        fake.failNext(3, with: .status(500), where: updates)
        #expect(try await daemon.feed(Array(lines[4..<11]) + [DaemonHarness.turnEnded], to: path, root: "claude:s1"))
        let done = await fake.waitFor { Self.message(of: "claude:s1", in: $0)?.payload("status") == "done" }
        #expect(done)
        let snapshot = fake.snapshot
        let statuses = snapshot.requests(to: "chat.update").map(\.status)
        #expect(statuses.prefix(4) == [429, 500, 500, 500], "\(statuses)")
        #expect(snapshot.messages.count == 1)
        #expect(snapshot.messages.first?.text.hasPrefix("[done]") == true)
        try await daemon.stop()
        await fake.stop()
    }
}
