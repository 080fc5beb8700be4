import Foundation
import TestSupport
import Testing

@testable import Watcher

/// Synapse's default message limit (0.2/s, burst 10 per user) and event size limit, for real.
@Suite(
    .enabled(if: SynapseFixture.enabled, SynapseFixture.skipReason), .tags(.synapse), .outsideUnitLane,
    .timeLimit(.minutes(2)))
struct MatrixRateLimitSynapseTests {
    /// A burst of edits meets a 429 with `retry_after_ms`; after that wait the next edit goes through.
    @Test func aBurstOfEditsIsRateLimitedWithARetryAfter() async throws {
        try await SynapseHarness.run { harness in
            let poster = try harness.poster(bot: 3)
            let room = try harness.fixture.room
            let marker = SynapseHarness.uniqueMarker()
            let post = try await SynapseHarness.honouringRateLimit {
                try await poster.create(
                    ChatMessage(text: "[active] burst", marker: marker, status: "active"), channelID: room,
                    rootID: nil, pendingID: UUID().uuidString)
            }
            var limited: ChatError?
            for index in 0..<20 {
                do {
                    _ = try await poster.edit(
                        postID: post.id, with: ChatMessage(text: "[active] \(index)", marker: marker, status: "active"))
                } catch {
                    limited = error as? ChatError
                    break
                }
            }
            let error = try #require(limited, "20 edits in a row were never limited")
            #expect(error.isRateLimited && error.status == 429)
            let wait = try #require(error.retryAfter)
            #expect(wait > .zero && wait <= .seconds(10), "retry after \(wait)")
            // Honoured, the same request passes.
            try await Task.sleep(for: wait)
            let final = ChatMessage(text: "[done] burst", marker: marker, status: "done")
            #expect(try await poster.edit(postID: post.id, with: final).id == post.id)
        }
    }

    /// The worst case of `maxMessageCharacters` (control characters: 9 bytes per scalar) is accepted in a create
    /// and in an edit; twice the limit in 4-byte scalars is refused by the server (413 `M_TOO_LARGE`) as `.rejected`.
    @Test func theWorstCaseFitsTheEventLimitAndMoreDoesNot() async throws {
        try await SynapseHarness.run { harness in
            let poster = try harness.poster(bot: 3)
            let room = try harness.fixture.room
            let marker = SynapseHarness.uniqueMarker()
            let limit = poster.maxMessageCharacters
            let controls = ChatMessage(
                text: String(repeating: "\u{1}", count: limit), marker: marker, status: "active")
            let post = try await SynapseHarness.honouringRateLimit {
                try await poster.create(controls, channelID: room, rootID: nil, pendingID: UUID().uuidString)
            }
            let quotes = ChatMessage(text: String(repeating: "\"", count: limit), marker: marker, status: "active")
            _ = try await SynapseHarness.honouringRateLimit { try await poster.edit(postID: post.id, with: quotes) }
            let found = try await poster.findPost(marker: marker, channelID: room)
            #expect(found?.message == quotes.text)
            let tooBig = ChatMessage(text: String(repeating: "😀", count: 2 * limit), marker: marker, status: "active")
            do {
                _ = try await SynapseHarness.honouringRateLimit {
                    try await poster.edit(postID: post.id, with: tooBig)
                }
                Issue.record("an event of twice the limit was accepted")
            } catch let error as ChatError {
                #expect(error == .rejected(status: 413, detail: "M_TOO_LARGE"))
            }
        }
    }
}
