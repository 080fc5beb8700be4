import Foundation
import TestSupport
import Testing

@testable import Watcher

/// `MatrixPoster` against the real Synapse `scripts/synapse.sh up` starts, checked by a second user (the reader)
/// through `/messages` and `/relations`, as a client would see it.
@Suite(
    .enabled(if: SynapseFixture.enabled, SynapseFixture.skipReason), .tags(.synapse), .outsideUnitLane,
    .timeLimit(.minutes(2)))
struct MatrixPosterSynapseTests {
    static func message(_ text: String, _ marker: String, _ status: String = "active") -> ChatMessage {
        ChatMessage(text: text, marker: marker, status: status)
    }

    @Test func aPostIsOneEventEditedInPlace() async throws {
        try await SynapseHarness.run { harness in
            let poster = try harness.poster(bot: 1)
            let room = try harness.fixture.room
            let marker = SynapseHarness.uniqueMarker()
            let texts = ["[active] demo <1>\n> first & \"quoted\"\n  ▸ tool", "[active] demo\n> second", "[done] demo"]
            let post = try await SynapseHarness.honouringRateLimit {
                try await poster.create(
                    Self.message(texts[0], marker), channelID: room, rootID: nil, pendingID: UUID().uuidString)
            }
            for (index, text) in texts.enumerated().dropFirst() {
                let status = index == 2 ? "done" : "active"
                let edited = try await SynapseHarness.honouringRateLimit {
                    try await poster.edit(postID: post.id, with: Self.message(text, marker, status))
                }
                #expect(edited.id == post.id && edited.channelID == room)
            }
            let eventID = try #require(MatrixPostID(post.id)).eventID
            let reader = try harness.reader()
            let edits = try await reader.edits(of: eventID, room: room)
            #expect(edits.count == 2)
            #expect(edits.allSatisfy { $0.content?["m.new_content"]?["dev.dormouse.marker"]?.stringValue == marker })
            let events = try await reader.messages(room: room)
            let originals = events.filter { $0.marker == marker }
            #expect(originals.map(\.eventID) == [eventID])
            let original = try #require(originals.first?.content)
            #expect(original["msgtype"]?.stringValue == "m.notice")
            #expect(original["format"]?.stringValue == "org.matrix.custom.html")
            #expect(
                original["formatted_body"]?.stringValue
                    == "<b>[active] demo &lt;1&gt;</b><br>&gt; first &amp; &quot;quoted&quot;<br>&nbsp;&nbsp;▸ tool")
            // The latest content, as a client applies it: the newest edit of the event.
            let latest = try #require(events.first { $0.replacedEventID == eventID })
            #expect(latest.content?["m.new_content"]?["body"]?.stringValue == texts[2])
            #expect(latest.content?["m.new_content"]?["dev.dormouse.status"]?.stringValue == "done")
            #expect(latest.content?["body"]?.stringValue == "* [done] demo")
        }
    }

    @Test func aRetriedCreateWithTheSamePendingIDIsOneEvent() async throws {
        try await SynapseHarness.run { harness in
            let poster = try harness.poster(bot: 1)
            let room = try harness.fixture.room
            let marker = SynapseHarness.uniqueMarker()
            let pendingID = UUID().uuidString
            var ids: [String] = []
            for _ in 0..<2 {
                let post = try await SynapseHarness.honouringRateLimit {
                    try await poster.create(
                        Self.message("[active] retried", marker), channelID: room, rootID: nil, pendingID: pendingID)
                }
                ids.append(post.id)
            }
            #expect(ids[0] == ids[1])
            let events = try await harness.reader().messages(room: room)
            #expect(events.filter { $0.marker == marker }.count == 1)
        }
    }

    @Test func aRestartedPosterFindsItsPostWithTheLatestEdit() async throws {
        try await SynapseHarness.run { harness in
            let room = try harness.fixture.room
            let marker = SynapseHarness.uniqueMarker()
            let before = try harness.poster(bot: 2)
            let post = try await SynapseHarness.honouringRateLimit {
                try await before.create(
                    Self.message("[active] one", marker), channelID: room, rootID: nil, pendingID: UUID().uuidString)
            }
            _ = try await SynapseHarness.honouringRateLimit {
                try await before.edit(postID: post.id, with: Self.message("[interrupted] two", marker, "interrupted"))
            }
            let restarted = try harness.poster(bot: 2)
            let found = try #require(try await restarted.findPost(marker: marker, channelID: room))
            #expect(
                found
                    == ChatPost(
                        id: post.id, channelID: room, message: "[interrupted] two", marker: marker,
                        status: "interrupted"))
            #expect(try await restarted.findPost(marker: SynapseHarness.uniqueMarker(), channelID: room) == nil)
            // Another user's event with the same marker is never taken for the bot's post.
            let other = try await harness.reader().send(
                .object([
                    "msgtype": .string("m.notice"), "body": .string("spoof"), "dev.dormouse.marker": .string(marker),
                ]), room: room)
            #expect(other.status == 200)
            #expect(try await restarted.findPost(marker: marker, channelID: room)?.id == post.id)
        }
    }

    /// Synapse accepts an `m.replace` of a redacted event (200, an event id), so the poster checks the original
    /// first: the edit is `.postMissing` and the relay's delivery makes a new post.
    @Test func aRedactedPostIsReplacedByANewPost() async throws {
        try await SynapseHarness.run { harness in
            let poster = try harness.poster(bot: 2)
            let user = try harness.user(bot: 2)
            let room = try harness.fixture.room
            let marker = SynapseHarness.uniqueMarker()
            let post = try await SynapseHarness.honouringRateLimit {
                try await poster.create(
                    Self.message("[active] doomed", marker), channelID: room, rootID: nil, pendingID: UUID().uuidString)
            }
            let eventID = try #require(MatrixPostID(post.id)).eventID
            #expect(try await user.redact(eventID, room: room).status == 200)
            let redacted = try await user.event(eventID, room: room)
            #expect(redacted.json?["unsigned"]?["redacted_because"] != nil)
            #expect(redacted.json?.content?.objectValue?.isEmpty == true)
            // What Synapse answers to an edit of a redacted event: it takes it.
            let raw = try await user.send(
                .object([
                    "msgtype": .string("m.notice"), "body": .string("* raw"),
                    "m.new_content": .object(["msgtype": .string("m.notice"), "body": .string("raw")]),
                    "m.relates_to": .object(["rel_type": .string("m.replace"), "event_id": .string(eventID)]),
                ]), room: room)
            #expect(raw.status == 200 && raw.json?.eventID != nil, "\(raw.status) \(String(describing: raw.errcode))")

            let next = Self.message("[active] again", marker)
            await #expect(throws: ChatError.postMissing(status: 200, detail: "redacted")) {
                try await poster.edit(postID: post.id, with: next)
            }
            let delivery = StatusDelivery(
                key: "claude:redacted", message: next, destination: .init(target: .channel(room)), channelID: room,
                postID: post.id, lookUp: false, pendingID: UUID().uuidString)
            guard case .delivered(let new, let created, _, let replaced) = await delivery.perform(with: poster) else {
                Issue.record("not delivered")
                return
            }
            #expect(created && replaced?.needsNewPost == true && new.id != post.id)
            #expect(try await poster.findPost(marker: marker, channelID: room)?.id == new.id)
        }
    }

    @Test func aWrongOrRevokedTokenIsUnauthorized() async throws {
        try await SynapseHarness.run { harness in
            let wrong = try harness.poster(token: "syt_not_a_token")
            await #expect(throws: ChatError.unauthorized(detail: "M_UNKNOWN_TOKEN")) {
                try await wrong.checkConnection()
            }
            let spare = try harness.fixture.spareToken
            _ = try await MatrixTestClient(
                homeserverURL: harness.fixture.homeserverURL, token: spare, client: harness.client
            )
            .logout()
            let revoked = try harness.poster(token: spare)
            let room = try harness.fixture.room
            do {
                _ = try await revoked.create(
                    Self.message("[active] x", "m"), channelID: room, rootID: nil, pendingID: UUID().uuidString)
                Issue.record("a revoked token posted")
            } catch {
                #expect(error as? ChatError == .unauthorized(detail: "M_UNKNOWN_TOKEN"))
                #expect(!"\(error)".contains(spare))
            }
        }
    }

    @Test func aRoomTheBotIsNotInIsRejectedWithItsErrcode() async throws {
        try await SynapseHarness.run { harness in
            let poster = try harness.poster(bot: 1)
            let foreign = try harness.fixture.foreignRoom
            do {
                _ = try await poster.create(
                    Self.message("[active] x", "m"), channelID: foreign, rootID: nil, pendingID: UUID().uuidString)
                Issue.record("posted to a room the bot is not in")
            } catch {
                #expect(error as? ChatError == .rejected(status: 403, detail: "M_FORBIDDEN"))
                #expect("\(error)".contains("M_FORBIDDEN"))
            }
        }
    }

    @Test func anAliasResolvesToItsRoom() async throws {
        try await SynapseHarness.run { harness in
            let poster = try harness.poster(bot: 1)
            let alias = try harness.fixture.roomAlias
            let target = try #require(poster.target(routeTo: "room:\(alias)"))
            #expect(try await poster.channelID(for: target) == harness.fixture.room)
            #expect(try await poster.channelID(for: .channel(harness.fixture.room)) == harness.fixture.room)
            await #expect(throws: ChatError.rejected(status: 404, detail: "M_NOT_FOUND")) {
                try await poster.channelID(for: .channel("#nowhere:localhost"))
            }
            await #expect(throws: ChatError.self) { try await poster.channelID(for: .user("@reader:localhost")) }
        }
    }
}
