import Testing

@testable import Watcher

/// How one chat's relay picks the sessions it posts when several chats are configured, and how it paces a chat
/// that limits posting per channel.
@Suite("Chat relay routing")
struct ChatRelayRoutingTests {
    @Test func aRouteToAnotherConfiguredChatIsLeftToItsRelay() async {
        let harness = await RelayHarness { $0.otherChats = ["matrix", "slack"] }
        await harness.send("theirs", activity: ["x"], route: ChatRoute(channel: "matrix", to: "room:!r:example.org"))
        await harness.send("ours", activity: ["y"], route: ChatRoute(channel: "mattermost", to: "channel:abc"))
        await harness.poster.waitForCalls(2)
        await harness.waitForIdle()
        #expect(harness.poster.posts.values.map(\.channelID) == ["abc"])
        let health = await harness.relay.health()
        #expect(health.activeSessions == 1 && health.waitingSessions == 0 && health.misroutedSessions == 0)
        await harness.stop()
    }

    @Test func aRouteToAChatNoAdapterServesGoesToTheDefaultAndIsCounted() async {
        let harness = await RelayHarness { $0.otherChats = ["matrix"] }
        let route = ChatRoute(channel: "telegram", to: "channel:t1")
        await harness.send("s1", activity: ["x"], route: route)
        await harness.send("s1", activity: ["x", "y"], route: route)
        await harness.poster.waitForCalls(2)
        await harness.waitForIdle()
        #expect(harness.poster.posts.values.map(\.channelID) == ["town-square"])
        let health = await harness.relay.health()
        #expect(health.misroutedSessions == 1)
        #expect(health.lastError?.contains("'telegram'") == true)
        await harness.stop()
    }

    @Test func onlyThePrimaryRelayReportsAnUnknownChat() async {
        let harness = await RelayHarness {
            $0.isPrimary = false
            $0.otherChats = ["mattermost"]
        }
        await harness.send("s1", activity: ["x"], route: ChatRoute(channel: "telegram", to: "channel:t1"))
        await harness.poster.waitForCalls(2)
        await harness.waitForIdle()
        #expect(harness.poster.posts.values.map(\.channelID) == ["town-square"])
        #expect(await harness.relay.health().misroutedSessions == 0)
        await harness.stop()
    }

    @Test func aTargetThisChatHasNoFormForGoesToTheDefaultAndIsCounted() async {
        let harness = await RelayHarness()
        await harness.send("s1", activity: ["x"], route: ChatRoute(channel: "mattermost", to: "room:!r:example.org"))
        await harness.poster.waitForCalls(2)
        await harness.waitForIdle()
        #expect(harness.poster.posts.values.map(\.channelID) == ["town-square"])
        let health = await harness.relay.health()
        #expect(health.misroutedSessions == 1)
        #expect(health.lastError?.contains("names no mattermost conversation") == true)
        await harness.stop()
    }

    @Test func aRouteNamingNoChatIsThePrimarysOnly() async {
        let bare = ChatRoute(channel: "", to: "channel:abc")
        let primary = await RelayHarness { $0.otherChats = ["slack"] }
        await primary.send("s1", activity: ["x"], route: bare)
        await primary.poster.waitForCalls(2)
        await primary.waitForIdle()
        #expect(primary.poster.posts.values.map(\.channelID) == ["abc"])
        await primary.stop()

        let other = await RelayHarness(poster: RecordingPoster(chat: "slack")) {
            $0.isPrimary = false
            $0.otherChats = ["mattermost"]
        }
        await other.send("s1", activity: ["x"], route: bare)
        // A session of its own afterwards: once it is posted, the first one was decided too.
        await other.send("s2", activity: ["y"], route: ChatRoute(channel: "slack", to: "channel:C1"))
        await other.poster.waitForCalls(2)
        await other.waitForIdle()
        #expect(other.poster.posts.values.map(\.channelID) == ["C1"])
        await other.stop()
    }

    @Test func sessionsOfAnotherChatNeverTakeABox() async {
        let harness = await RelayHarness {
            $0.maxActiveSessions = 1
            $0.otherChats = ["matrix"]
        }
        await harness.send("theirs", activity: ["x"], route: ChatRoute(channel: "matrix", to: "room:!r:example.org"))
        await harness.send("ours", activity: ["y"])
        await harness.poster.waitForCalls(2)
        await harness.waitForIdle()
        let health = await harness.relay.health()
        #expect(health.activeSessions == 1 && health.waitingSessions == 0)
        await harness.stop()
    }

    @Test func writesToOneChannelAreSpacedByTheChatsPace() async {
        let harness = await RelayHarness(poster: RecordingPoster(chat: "slack", channelPace: .seconds(1))) {
            $0.throttle = .milliseconds(100)
        }
        await harness.send("s1", activity: ["x"])
        await harness.poster.waitForCalls(2)
        await harness.waitForIdle()
        // The second session's post shares the channel: it waits for the pace, not for the throttle.
        await harness.send("s2", activity: ["y"])
        await harness.waitForIdle()
        #expect(harness.poster.writes.count == 1)
        await harness.waitForTimer(at: 1000)
        await harness.advance(to: 1000)
        await harness.poster.waitForCalls(4)
        await harness.waitForIdle()
        // An edit of the first post waits for the pace after the second post's create, too.
        await harness.send("s1", activity: ["x", "z"])
        await harness.waitForIdle()
        #expect(harness.poster.writes.count == 2)
        await harness.waitForTimer(at: 2000)
        await harness.advance(to: 2000)
        await harness.poster.waitForCalls(5)
        #expect(harness.poster.writes.map(\.kind) == [.create, .create, .edit])
        // Shutdown's "interrupted" edits keep the pace too: one per second, not both at once.
        let stopping = Task { await harness.stop() }
        await harness.waitForTimer(at: 3000)
        await harness.advance(to: 3000)
        await harness.poster.waitForCalls(6)
        await harness.waitForTimer(at: 4000)
        #expect(harness.poster.writes.count == 4)
        await harness.advance(to: 4000)
        await stopping.value
        #expect(harness.poster.writes.suffix(2).allSatisfy { $0.status == "interrupted" })
    }

    @Test func anotherChannelIsNotHeldByThePace() async {
        let harness = await RelayHarness(poster: RecordingPoster(chat: "slack", channelPace: .seconds(1)))
        await harness.send("s1", activity: ["x"])
        await harness.send("s2", activity: ["y"], route: ChatRoute(channel: "slack", to: "channel:C2"))
        await harness.poster.waitForCalls(4)
        await harness.waitForIdle()
        #expect(Set(harness.poster.posts.values.map(\.channelID)) == ["town-square", "C2"])
        let stopping = Task { await harness.stop() }
        await harness.waitForTimer(at: 1000)
        await harness.advance(to: 1000)
        await stopping.value
        #expect(harness.poster.writes.map(\.kind) == [.create, .create, .edit, .edit])
    }
}
