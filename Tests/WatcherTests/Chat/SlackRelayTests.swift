import Foundation
import TestSupport
import Testing

@testable import Watcher

/// The relay end to end with the Slack poster and the Slack fake over HTTP, on a test clock.
@Suite(.timeLimit(.minutes(1)))
struct SlackRelayTests {
    static func marker(_ key: String) -> String { StatusBox.marker(for: key) }

    @Test func oneMessagePerSessionEditedInPlace() async throws {
        let fake = SlackFake()
        try await fake.start()
        let harness = await SlackRelayHarness(fake: fake)
        for step in 1...6 {
            await harness.send("s1", activity: (1...step).map { "s1 step \($0)" })
            await harness.send("s2", activity: (1...step).map { "s2 step \($0) <@U1> & co" })
        }
        await harness.send("s1", .done, activity: ["s1 finished"])
        await harness.send("s2", .done, activity: ["s2 finished <@U1> & co"])
        let done = await harness.drive { snapshot in
            ["s1", "s2"].allSatisfy { snapshot.message(marker: Self.marker($0))?.payload("status") == "done" }
        }
        #expect(done)
        let snapshot = fake.snapshot
        #expect(snapshot.messages.count == 2)
        #expect(snapshot.requests(to: "chat.postMessage").count == 2)
        // The channel's pace (1 s) coalesces the burst: s2's post waits a second and is made with its final
        // state; s1's post is edited in place to its own a second later.
        #expect(snapshot.requests(to: "chat.update").count >= 1)
        #expect(try #require(snapshot.message(marker: Self.marker("s1"))).text.contains("s1 finished"))
        let second = try #require(snapshot.message(marker: Self.marker("s2")))
        #expect(second.text.contains("s2 finished &lt;@U1&gt; &amp; co"), "\(second.text)")
        #expect(!second.history.joined().contains("<@U1>"))
        try await harness.stop()
        await fake.stop()
    }

    @Test func theFinalStateArrivesAfterA429AndA500Burst() async throws {
        let fake = SlackFake()
        try await fake.start()
        let harness = await SlackRelayHarness(fake: fake)
        await harness.send("s1", activity: ["first"])
        #expect(await harness.drive { $0.message(marker: Self.marker("s1")) != nil })
        let updates = SlackFake.RequestFilter(method: "chat.update")
        fake.failNext(with: .rateLimited(retryAfter: 2), where: updates)
        fake.failNext(3, with: .status(500), where: updates)
        await harness.send("s1", activity: ["first", "second"])
        await harness.send("s1", activity: ["first", "second", "third"])
        await harness.send("s1", .done, activity: ["first", "second", "third", "last"])
        let delivered = await harness.drive { snapshot in
            snapshot.message(marker: Self.marker("s1"))?.payload("status") == "done"
        }
        #expect(delivered)
        let snapshot = fake.snapshot
        let statuses = snapshot.requests(to: "chat.update").map(\.status)
        #expect(statuses.prefix(4) == [429, 500, 500, 500], "\(statuses)")
        #expect(statuses.last == 200)
        #expect(snapshot.messages.count == 1)
        let message = try #require(snapshot.messages.first)
        #expect(message.text.contains("last"), "\(message.text)")
        // The relay waited out Retry-After: the first retry came at least 2 s (test clock) later.
        #expect(harness.clock.now.offset >= .seconds(2))
        try await harness.stop()
        await fake.stop()
    }

    @Test func aDeletedMessageIsReplacedByANewOne() async throws {
        let fake = SlackFake()
        try await fake.start()
        let harness = await SlackRelayHarness(fake: fake)
        await harness.send("s1", activity: ["first"])
        #expect(await harness.drive { $0.message(marker: Self.marker("s1")) != nil })
        let original = try #require(fake.messages.first)
        fake.deleteMessage(channel: original.channel, ts: original.ts)
        await harness.send("s1", .done, activity: ["first", "after delete"])
        let replaced = await harness.drive {
            $0.message(marker: Self.marker("s1"))?.text.contains("after delete") == true
        }
        #expect(replaced)
        #expect(fake.messages.count == 2)
        #expect(fake.snapshot.requests(to: "chat.update").last?.error == "message_not_found")
        try await harness.stop()
        await fake.stop()
    }
}
