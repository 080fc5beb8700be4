import Foundation
import TestSupport
import Testing

@testable import Watcher

/// The daemon from transcript files to a real Synapse room: real files appended over time, the real engine and
/// relay, a `MatrixPoster` (behind a `TimedPoster` that records when each write went out), checked by the reader
/// through `/messages` and `/relations`. Synapse keeps its default limit (0.2 messages/s, burst 10 per user), so
/// both tests meet 429s.
@Suite(
    .enabled(if: SynapseFixture.enabled, SynapseFixture.skipReason), .tags(.synapse), .outsideUnitLane,
    .timeLimit(.minutes(3)))
struct WatchDaemonMatrixTests {
    /// One session's post as the reader sees it: the original event and its edits, oldest first.
    struct SeenPost {
        var originals: [MattermostFakeJSON]
        var edits: [MattermostFakeJSON]
        var latest: MattermostFakeJSON? { edits.last?.content?["m.new_content"] ?? originals.first?.content }
    }

    static func seen(_ key: String, room: String, reader: MatrixTestClient) async throws -> SeenPost {
        let marker = StatusBox.marker(for: key)
        let originals = try await reader.messages(room: room).filter { $0.marker == marker }
        guard let eventID = originals.first?.eventID else { return SeenPost(originals: originals, edits: []) }
        let edits = try await reader.edits(of: eventID, room: room).sorted {
            ($0.originServerTS ?? 0) < ($1.originServerTS ?? 0)
        }
        return SeenPost(originals: originals, edits: edits)
    }

    /// Polls the server (bounded) until every session's latest content is its final, `done` state.
    static func waitForDone(_ keys: [String], room: String, reader: MatrixTestClient) async throws {
        try await poll("every session done at the server", within: .seconds(90), every: .milliseconds(500)) {
            for key in keys {
                let latest = try await seen(key, room: room, reader: reader).latest
                guard latest?["dev.dormouse.status"]?.stringValue == "done" else { return false }
            }
            return true
        }
    }

    /// After every 429, no write started before the wait the server asked for had passed.
    static func expectRetryAfterHonoured(_ writes: [TimedPoster.Write]) {
        for limited in writes where limited.error?.isRateLimited == true {
            let wait = limited.error?.retryAfter ?? .zero
            for later in writes where later.started > limited.ended {
                #expect(
                    later.started - limited.ended >= wait - .milliseconds(1),
                    "a write \(later.started - limited.ended) after a 429 asking \(wait)")
            }
        }
    }

    @Test func eachSessionIsOneEventEditedInPlaceThrottledWithItsFinalState() async throws {
        try await SynapseHarness.run { harness in
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let room = try harness.fixture.room
            let client = MatrixPoster.makeHTTPClient()
            let poster = TimedPoster(try harness.poster(bot: 5, client: client))
            let throttle = Duration.milliseconds(500)
            let daemon = try await DaemonHarness(
                directory: directory, poster: poster, client: client, defaultChannel: room
            ) { $0.throttle = throttle }
            let run = UUID().uuidString.prefix(8)
            let (first, second) = ("s1-\(run)", "s2-\(run)")
            let short = try Fixtures.lines(Fixtures.claudeShort)
            let heavy = try Fixtures.lines(Fixtures.claudeToolHeavy)
            for index in 0..<8 {
                #expect(
                    try await daemon.feed([short[3 + index]], to: daemon.transcript(first), root: "claude:\(first)"))
                #expect(
                    try await daemon.feed([heavy[3 + index]], to: daemon.transcript(second), root: "claude:\(second)"))
            }
            let ended = [DaemonHarness.turnEnded]
            #expect(try await daemon.feed(ended, to: daemon.transcript(first), root: "claude:\(first)"))
            #expect(try await daemon.feed(ended, to: daemon.transcript(second), root: "claude:\(second)"))
            let keys = ["claude:\(first)", "claude:\(second)"]
            let reader = try harness.reader()
            try await Self.waitForDone(keys, room: room, reader: reader)
            for key in keys {
                let post = try await Self.seen(key, room: room, reader: reader)
                #expect(post.originals.count == 1, "\(key): \(post.originals.count) events")
                #expect(post.edits.count >= 1, "\(key): \(post.edits.count) edits")
                let times = ([post.originals[0]] + post.edits).compactMap(\.originServerTS)
                for (earlier, later) in zip(times, times.dropFirst()) {
                    #expect(later - earlier >= 500 - 10, "\(key): writes \(later - earlier) ms apart")
                }
                let body = post.latest?["body"]?.stringValue ?? ""
                #expect(body.hasPrefix("[done]") && body.contains("done in"), "\(key): \(body)")
            }
            Self.expectRetryAfterHonoured(poster.writes)
            try await daemon.stop()
        }
    }

    /// Twelve sessions at once make twelve posts at once, past Synapse's burst of 10 messages per user: the relay
    /// waits what each 429 asks (every chat write of the relay pauses), and every final state still arrives.
    @Test func aBurstThroughTheRelayHonoursTheRateLimitAndLosesNoFinalState() async throws {
        try await SynapseHarness.run { harness in
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let room = try harness.fixture.room
            let client = MatrixPoster.makeHTTPClient()
            let poster = TimedPoster(try harness.poster(bot: 4, client: client))
            let daemon = try await DaemonHarness(
                directory: directory, poster: poster, client: client, defaultChannel: room
            ) { $0.throttle = .milliseconds(50) }
            let run = UUID().uuidString.prefix(8)
            let sessions = (0..<12).map { "burst-\(run)-\($0)" }
            let heavy = try Fixtures.lines(Fixtures.claudeToolHeavy)
            for session in sessions {
                #expect(try await daemon.feed([heavy[3]], to: daemon.transcript(session), root: "claude:\(session)"))
            }
            for session in sessions {
                #expect(
                    try await daemon.feed(
                        [heavy[4], DaemonHarness.turnEnded], to: daemon.transcript(session), root: "claude:\(session)"))
            }
            let keys = sessions.map { "claude:\($0)" }
            let reader = try harness.reader()
            try await Self.waitForDone(keys, room: room, reader: reader)
            let writes = poster.writes
            let limited = writes.filter { $0.error?.isRateLimited == true }
            #expect(!limited.isEmpty, "\(writes.count) writes and no 429")
            #expect(limited.allSatisfy { ($0.error?.retryAfter ?? .zero) > .zero })
            Self.expectRetryAfterHonoured(writes)
            for key in keys {
                let post = try await Self.seen(key, room: room, reader: reader)
                #expect(post.originals.count == 1, "\(key): \(post.originals.count) events")
                #expect(post.latest?["body"]?.stringValue?.hasPrefix("[done]") == true)
            }
            try await daemon.stop()
        }
    }
}
