import Foundation
import InMemoryLogging
import Logging
import TestSupport
import Testing

@testable import Watcher

/// The poster's direct channels, post lookup, length limit and token secrecy, against the Mattermost fake.
@Suite(.timeLimit(.minutes(1)))
struct MattermostPosterLookupTests {
    func message(_ text: String = "working", marker: String = "s1a2b3") -> ChatMessage {
        ChatMessage(text: text, marker: marker, status: "active")
    }

    @Test func aUserResolvesToTheBotsDirectChannelOnce() async throws {
        try await withMattermostPoster { fake, poster, _ in
            let user = fake.addUser(username: "ana")
            let channel = try await poster.channelID(for: .user(user))
            let again = try await poster.channelID(for: .user(user))
            #expect(again == channel)
            #expect(fake.requests.map(\.path) == ["/api/v4/users/me", "/api/v4/channels/direct"])
            #expect(fake.requests.last?.json == .array([.string(fake.botUserID), .string(user)]))
            let post = try await poster.create(message(), channelID: channel, rootID: nil, pendingID: "p1")
            #expect(post.channelID == channel)
            #expect(try await poster.channelID(for: .channel("abc")) == "abc")
        }
    }

    @Test func findPostFindsTheNewestMarkedPostAmongRecentPosts() async throws {
        try await withMattermostPoster { fake, poster, _ in
            _ = try await poster.create(message("old"), channelID: fake.channelID, rootID: nil, pendingID: "p1")
            let newer = try await poster.create(message("new"), channelID: fake.channelID, rootID: nil, pendingID: "p2")
            fake.insertPost(channelID: fake.channelID, message: "someone else", userID: fake.addUser())
            let found = try await poster.findPost(marker: "s1a2b3", channelID: fake.channelID)
            #expect(
                found
                    == ChatPost(
                        id: newer.id, channelID: fake.channelID, message: "new", marker: "s1a2b3", status: "active"))
            #expect(!fake.requests.contains { $0.path.hasSuffix("/posts/search") })
        }
    }

    @Test func findPostSearchesForAPostOlderThanTheRecentPage() async throws {
        try await withMattermostPoster { fake, poster, _ in
            let post = try await poster.create(message(), channelID: fake.channelID, rootID: nil, pendingID: "p1")
            for index in 0..<200 { fake.insertPost(channelID: fake.channelID, message: "chatter \(index)") }
            let found = try await poster.findPost(marker: "s1a2b3", channelID: fake.channelID)
            #expect(found?.id == post.id)
            #expect(found?.marker == "s1a2b3")
            let search = try #require(fake.requests.last)
            #expect(search.path == "/api/v4/teams/\(fake.teamID)/posts/search")
            #expect(search.json?["terms"] == "dormouses1a2b3")
            #expect(search.json?["is_or_search"] == .bool(false))
        }
    }

    @Test func findPostSearchesADirectChannelThroughTheBotsTeam() async throws {
        try await withMattermostPoster { fake, poster, _ in
            let channel = try await poster.channelID(for: .user(fake.addUser()))
            let post = try await poster.create(message(), channelID: channel, rootID: nil, pendingID: "p1")
            for index in 0..<201 { fake.insertPost(channelID: channel, message: "chatter \(index)") }
            // The same marker in another channel is not this channel's post.
            fake.insertPost(channelID: fake.channelID, message: "x\n\n[dormouses1a2b3]: #")
            let found = try await poster.findPost(marker: "s1a2b3", channelID: channel)
            #expect(found?.id == post.id)
            #expect(fake.requests.contains { $0.path == "/api/v4/users/me/teams" })
        }
    }

    @Test func findPostIsNilWithoutAMarkedPostAndSkipsSearchWithoutATeam() async throws {
        try await withMattermostPoster { fake, poster, _ in
            fake.insertPost(channelID: fake.channelID, message: "unrelated")
            #expect(try await poster.findPost(marker: "s1a2b3", channelID: fake.channelID) == nil)
            let channel = try await poster.channelID(for: .user(fake.addUser()))
            fake.removeBotFromTeams()
            #expect(try await poster.findPost(marker: "s1a2b3", channelID: channel) == nil)
            #expect(fake.requests.last?.path == "/api/v4/users/me/teams")
        }
    }

    @Test func findPostReadsTheReferenceLineWhenPropsLostTheMarker() async throws {
        try await withMattermostPoster { fake, poster, _ in
            let stored = fake.insertPost(channelID: fake.channelID, message: "text\n\n[dormouses1a2b3]: #")
            let found = try await poster.findPost(marker: "s1a2b3", channelID: fake.channelID)
            #expect(found == ChatPost(id: stored.id, channelID: fake.channelID, message: "text", marker: "s1a2b3"))
        }
    }

    /// The room the marker takes is counted in runes: multi-scalar emoji fill the text to exactly the server's limit.
    @Test func theLongestTextPlusTheLongestMarkerFitsTheServersRuneLimit() async throws {
        try await withMattermostPoster { fake, poster, _ in
            let family = "👨‍👩‍👧"  // 5 scalars, 1 character
            let limit = poster.maxMessageCharacters
            let text =
                String(repeating: family, count: limit / 5) + String(repeating: "a", count: limit % 5)
            #expect(text.unicodeScalars.count == limit)
            #expect(text.count < limit / 4)
            let marker = String(repeating: "m", count: MattermostMarker.maxMarkerCharacters)
            let post = try await poster.create(
                message(text, marker: marker), channelID: fake.channelID, rootID: nil, pendingID: "p1")
            #expect(fake.post(post.id)?.message.unicodeScalars.count == MattermostPoster.serverMessageLimit)
            #expect(post.message == text)
            await #expect(
                throws: ChatError.rejected(status: 400, detail: "model.post.is_valid.message_length.app_error")
            ) {
                try await poster.create(
                    message(text + "👍", marker: marker), channelID: fake.channelID, rootID: nil, pendingID: "p2")
            }
        }
    }

    @Test func theTokenIsNeverLoggedNorInAnError() async throws {
        var errors: [ChatError] = []
        try await withMattermostPoster { fake, poster, logs in
            let post = try await poster.create(message(), channelID: fake.channelID, rootID: nil, pendingID: "p1")
            _ = try await poster.edit(postID: post.id, with: message("more"))
            _ = try await poster.findPost(marker: "nothing", channelID: fake.channelID)
            _ = try await poster.channelID(for: .user(fake.addUser()))
            for fault in [MattermostFake.Fault.status(500), .rateLimited(retryAfter: 1), .dropConnection] {
                fake.failNext(with: fault)
                do {
                    _ = try await poster.edit(postID: post.id, with: message("fail"))
                } catch let error as ChatError {
                    errors.append(error)
                }
            }
            #expect(errors.count == 3)
            #expect(logs.entries.contains { $0.level == .debug && $0.text("chat.post_id") == post.id })
            #expect(logs.entries.contains { $0.text("http.status") == "429" })
            #expect(!logs.lines.isEmpty)
            #expect(!logs.lines.contains { $0.contains(mattermostTestToken) })
        }
        try await withMattermostPoster(token: mattermostTestToken + "-revoked") { fake, poster, logs in
            do {
                _ = try await poster.create(message(), channelID: fake.channelID, rootID: nil, pendingID: "p1")
            } catch let error as ChatError {
                errors.append(error)
            }
            #expect(!logs.lines.contains { $0.contains(mattermostTestToken) })
        }
        #expect(errors.count == 4)
        #expect(!errors.contains { $0.description.contains(mattermostTestToken) || $0.detail.contains("SECRET") })
    }

    @Test(arguments: ["s1a2b3", "a-b_c:d", String(repeating: "x", count: 80), "émoji🙂"])
    func everyMarkerBecomesOneSearchableWordThatRoundTrips(marker: String) {
        let term = MattermostMarker.term(for: marker)
        #expect(term.hasPrefix("dormouse"))
        #expect(
            term.unicodeScalars.allSatisfy {
                $0.isASCII && ($0.properties.isAlphabetic || $0.properties.numericType != nil)
            })
        #expect(term.count <= MattermostMarker.prefix.count + MattermostMarker.maxMarkerCharacters)
        let message = MattermostMarker.message("hello\n", marker: marker)
        #expect(message.unicodeScalars.count <= "hello\n".unicodeScalars.count + MattermostMarker.maxLineLength)
        let split = MattermostMarker.split(message)
        #expect(split.text == "hello")
        #expect(split.term == term)
    }

    @Test func aMessageWithoutAMarkerLineSplitsIntoItself() {
        #expect(MattermostMarker.split("plain [link]: #").term == nil)
        #expect(MattermostMarker.split("text\n\n[other]: #").text == "text\n\n[other]: #")
        let empty = MattermostMarker.split("\n\n[dormouseabc]: #")
        #expect(empty.text == "" && empty.term == "dormouseabc")
    }
}
