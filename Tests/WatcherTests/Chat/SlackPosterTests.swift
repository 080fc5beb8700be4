import Foundation
import TestSupport
import Testing

@testable import Watcher

/// The Slack poster against the Slack fake, over real HTTP on loopback: the calls it makes and what it reads back.
@Suite(.timeLimit(.minutes(1)))
struct SlackPosterTests {
    func message(_ text: String = "working on it", status: String = "active") -> ChatMessage {
        ChatMessage(text: text, marker: "s1a2b3", status: status)
    }

    @Test func createPostsJSONWithTheBearerTokenAndTheMarkerInMetadata() async throws {
        try await withSlackPoster { fake, poster, _ in
            let post = try await poster.create(message(), channelID: fake.channelID, rootID: nil, pendingID: "p1")
            let stored = try #require(fake.messages.first)
            #expect(post.id == "\(fake.channelID)/\(stored.ts)")
            #expect(post.channelID == fake.channelID)
            #expect(post.message == "working on it" && post.marker == "s1a2b3" && post.status == "active")
            #expect(stored.text == "working on it")
            #expect(stored.threadTS == nil)
            #expect(stored.metadata?["event_type"] == "dormouse_status")
            #expect(stored.payload("marker") == "s1a2b3" && stored.payload("status") == "active")
            #expect(stored.payload("pending_id") == "p1")
            let request = try #require(fake.requests.last)
            #expect(request.method == "chat.postMessage" && request.httpMethod == "POST")
            #expect(request.contentType == "application/json; charset=utf-8")
            #expect(request.authorization == "Bearer \(slackTestToken)")
            #expect(request.json?["token"] == nil)
        }
    }

    @Test func timestampsAreUniqueIncreasingAndInSlacksForm() async throws {
        let frozen = Date(timeIntervalSince1970: 1_700_000_000)
        try await withSlackPoster(now: { frozen }) { fake, poster, _ in
            fake.postingLimit = nil
            for index in 0..<3 {
                _ = try await poster.create(message(), channelID: fake.channelID, rootID: nil, pendingID: "p\(index)")
            }
            #expect(fake.messages.map(\.ts) == ["1700000000.000000", "1700000000.000001", "1700000000.000002"])
        }
    }

    @Test func anEditUpdatesTheSameMessageInPlaceWithItsMetadata() async throws {
        try await withSlackPoster { fake, poster, _ in
            let post = try await poster.create(message(), channelID: fake.channelID, rootID: nil, pendingID: "p1")
            let edited = try await poster.edit(postID: post.id, with: message("finished", status: "done"))
            #expect(edited.id == post.id && edited.message == "finished" && edited.status == "done")
            let stored = try #require(fake.message(postID: post.id))
            #expect(fake.messages.count == 1)
            #expect(stored.text == "finished" && stored.history == ["working on it"] && stored.updates == 1)
            #expect(stored.payload("marker") == "s1a2b3" && stored.payload("status") == "done")
            let update = try #require(fake.requests.last)
            #expect(update.method == "chat.update")
            #expect(update.json?["channel"]?.stringValue == fake.channelID)
            #expect(update.json?["ts"]?.stringValue == stored.ts)
        }
    }

    @Test func aThreadedCreateSendsTheRootAsThreadTS() async throws {
        try await withSlackPoster { fake, poster, _ in
            let root = fake.insertMessage(text: "kick-off", userID: fake.userID)
            let post = try await poster.create(message(), channelID: fake.channelID, rootID: root.ts, pendingID: "p1")
            #expect(fake.message(postID: post.id)?.threadTS == root.ts)
            // A root given as a post id (`<channel>/<ts>`) works as well.
            let second = try await poster.create(
                message(), channelID: fake.channelID, rootID: root.postID, pendingID: "p2")
            #expect(fake.message(postID: second.id)?.threadTS == root.ts)
        }
    }

    @Test func aUserTargetOpensTheDirectConversationOnceAndPostsThere() async throws {
        try await withSlackPoster { fake, poster, _ in
            let first = try await poster.channelID(for: .user(fake.userID))
            let again = try await poster.channelID(for: .user(fake.userID))
            #expect(first == again && first.hasPrefix("D"))
            let opens = fake.requests.filter { $0.method == "conversations.open" }
            #expect(opens.count == 1)
            #expect(opens.first?.json?["users"]?.stringValue == fake.userID)
            let post = try await poster.create(message(), channelID: first, rootID: nil, pendingID: "p1")
            #expect(post.channelID == first)
            #expect(try await poster.channelID(for: .channel("C123")) == "C123")
        }
    }

    @Test func findPostReadsHistoryWithMetadataAcrossPages() async throws {
        try await withSlackPoster { fake, poster, _ in
            let metadata: MattermostFakeJSON = .object([
                "event_type": "dormouse_status", "event_payload": .object(["marker": "s1a2b3", "status": "active"]),
            ])
            fake.insertMessage(text: "old &amp; &lt;kept&gt;", metadata: metadata)
            for index in 0..<250 { fake.insertMessage(text: "chatter \(index)", userID: fake.userID) }
            let found = try #require(try await poster.findPost(marker: "s1a2b3", channelID: fake.channelID))
            #expect(found.message == "old & <kept>")
            #expect(found.marker == "s1a2b3" && found.status == "active")
            let reads = fake.requests.filter { $0.method == "conversations.history" }
            #expect(reads.count == 2)
            #expect(reads.allSatisfy { $0.httpMethod == "GET" && $0.query.contains("include_all_metadata=true") })
            #expect(reads.last?.query.contains("cursor=") == true)
            #expect(try await poster.findPost(marker: "other", channelID: fake.channelID) == nil)
        }
    }

    @Test func findPostStopsAfterItsPageBound() async throws {
        try await withSlackPoster { fake, poster, _ in
            for index in 0..<(SlackPoster.historyPageSize * SlackPoster.historyPageLimit + 10) {
                fake.insertMessage(text: "chatter \(index)", userID: fake.userID)
            }
            let found = try await poster.findPost(marker: "s1a2b3", channelID: fake.channelID)
            #expect(found == nil)
            #expect(fake.requests.count == SlackPoster.historyPageLimit)
        }
    }

    @Test func aPostFoundAfterARestartIsEditedInPlace() async throws {
        try await withSlackPoster { fake, poster, logs in
            let post = try await poster.create(message(), channelID: fake.channelID, rootID: nil, pendingID: "p1")
            // A new poster, as after a restart without the posts file.
            let restarted = SlackPoster(
                apiURL: fake.apiURL, token: slackTestToken, httpClient: poster.httpClient, logger: poster.logger)
            let found = try #require(try await restarted.findPost(marker: "s1a2b3", channelID: fake.channelID))
            #expect(found.id == post.id)
            _ = try await restarted.edit(postID: found.id, with: message("resumed"))
            #expect(fake.messages.count == 1 && fake.messages.first?.text == "resumed")
            _ = logs
        }
    }

    @Test func checkConnectionCallsAuthTest() async throws {
        try await withSlackPoster { fake, poster, _ in
            try await poster.checkConnection()
            #expect(fake.requests.map(\.method) == ["auth.test"])
        }
    }
}
