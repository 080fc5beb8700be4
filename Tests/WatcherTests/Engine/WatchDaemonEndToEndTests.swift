import Foundation
import TestSupport
import Testing

@testable import Watcher

/// The daemon from transcript files to Mattermost posts: real files appended over time, the real engine and
/// relay, and the Mattermost fake over HTTP (see `DaemonHarness`).
@Suite struct WatchDaemonEndToEndTests {
    static let creates = MattermostFake.RequestFilter(method: "POST", pathPrefix: "/api/v4/posts")

    @Test func oneLivePostPerTopLevelSessionWithTheSubagentNestedInItsParent() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let fake = MattermostFake()
        try await fake.start()
        let daemon = try await DaemonHarness(directory: directory, fake: fake)
        let first = daemon.transcript("s1")
        let second = daemon.transcript("s2")
        let subagent = try daemon.subagent("aac57f5", of: "s2")
        let short = try Fixtures.lines(Fixtures.claudeShort)
        let heavy = try Fixtures.lines(Fixtures.claudeToolHeavy)
        let sub = try Fixtures.lines(Fixtures.claudeSubagent)
        // The three transcripts grow in turns, a line at a time.
        for index in 0..<8 {
            #expect(try await daemon.feed([short[3 + index]], to: first, root: "claude:s1"))
            #expect(try await daemon.feed([heavy[3 + index]], to: second, root: "claude:s2"))
            #expect(try await daemon.feed([sub[index]], to: subagent, root: "claude:s2"))
        }
        // The running sub-agent shows inside its parent's live post.
        let nested = await fake.waitFor {
            DaemonHarness.post(of: "claude:s2", in: $0)?.message.contains("  ↳ [active]") == true
        }
        #expect(nested)
        let ended = [DaemonHarness.turnEnded]
        #expect(try await daemon.feed(ended, to: subagent, root: "claude:s2"))
        #expect(try await daemon.feed(ended, to: second, root: "claude:s2"))
        #expect(try await daemon.feed(ended, to: first, root: "claude:s1"))

        let done = await fake.waitFor { snapshot in
            ["claude:s1", "claude:s2"].allSatisfy {
                DaemonHarness.post(of: $0, in: snapshot)?.message.hasPrefix("[done]") == true
            }
        }
        #expect(done)
        let snapshot = fake.snapshot
        #expect(snapshot.requests(Self.creates).count == 2)
        #expect(snapshot.posts.count == 2)
        let parent = try #require(DaemonHarness.post(of: "claude:s2", in: snapshot))
        #expect(parent.message.contains("↳ [done]"), "\(parent.message)")
        #expect(parent.message.contains("▸ search hex.pm"), "\(parent.message)")
        #expect(parent.message.contains("> start phoenix in background"), "\(parent.message)")
        #expect(parent.props["dormouse_status"]?.stringValue == "done")
        let other = try #require(DaemonHarness.post(of: "claude:s1", in: snapshot))
        #expect(!other.message.contains("↳"), "\(other.message)")
        #expect(other.message.contains("> mix phx.server doesnt seem to start"), "\(other.message)")
        #expect(other.channelID == fake.channelID && parent.channelID == fake.channelID)
        try await daemon.stop()
        // Nothing was open at shutdown, so nothing was marked interrupted.
        #expect(fake.posts.allSatisfy { $0.message.hasPrefix("[done]") })
        await fake.stop()
    }

    @Test func editsOfAPostAreThrottledAndTheLastOneCarriesTheFinalText() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let fake = MattermostFake()
        try await fake.start()
        let daemon = try await DaemonHarness(directory: directory, fake: fake) { $0.throttle = .milliseconds(200) }
        // The second turn of the transcript (the first ends "[Request interrupted by user]"), then its end.
        let lines = Array(try Fixtures.lines(Fixtures.claudeToolHeavy)[25..<38]) + [DaemonHarness.turnEnded]
        let path = daemon.transcript("s1")
        let writes = MattermostFake.RequestFilter(pathPrefix: "/api/v4/posts")
        // Bursts of three lines, each once the post was written again: steady pressure on the throttle.
        for start in stride(from: 0, to: lines.count, by: 3) {
            let written = fake.snapshot.requests(writes).count
            #expect(
                try await daemon.feed(Array(lines[start..<min(start + 3, lines.count)]), to: path, root: "claude:s1"))
            #expect(await fake.waitForRequests(written + 1, matching: writes))
        }
        let done = await fake.waitFor {
            DaemonHarness.post(of: "claude:s1", in: $0)?.message.hasPrefix("[done]") == true
        }
        #expect(done)
        await daemon.relay.waitUntilSettled()
        let snapshot = fake.snapshot
        let post = try #require(DaemonHarness.post(of: "claude:s1", in: snapshot))
        let edits = snapshot.requests.filter { $0.method == "PUT" && $0.path == "/api/v4/posts/\(post.id)/patch" }
        #expect(snapshot.requests(WatchDaemonEndToEndTests.creates).count == 1)
        #expect(edits.count == post.edits && edits.count >= 3, "\(edits.count) edits")
        // Arrival times at the fake: a few milliseconds of scheduling jitter are allowed.
        for (earlier, later) in zip(edits, edits.dropFirst()) {
            let gap = later.time.timeIntervalSince(earlier.time)
            #expect(gap >= 0.200 - 0.010, "edits \(Int(gap * 1000)) ms apart")
        }
        let published = await daemon.recorder.count(of: "claude:s1")
        #expect(edits.count + 1 < published, "\(edits.count) edits for \(published) updates: nothing coalesced")
        #expect(edits.last?.json?["message"]?.stringValue == post.message)
        #expect(post.message.contains("done in") && post.message.contains("▸ fetch https://github.com/xtermjs"))
        try await daemon.stop()
        await fake.stop()
    }
}
