import Foundation
import LifecycleTestKit
import TestSupport
import Testing

@testable import DormouseClient
@testable import Server

/// `DORMOUSE_WARM_MEMORY_MB` through the server: over the budget the least recently used paused worker is stopped,
/// audited as `lazy_stop` with `"reason": "memory_budget"`, and the environment value is checked at startup.
@Suite("The warm memory budget through the API", .timeLimit(.minutes(1)))
struct WarmBudgetAPITests {
    static func agent(_ name: String) -> String {
        """
        {"name": "\(name)", "mode": "container", "container": {"image": "busybox"}, "idle_timeout_s": 600,
         "pause_after_s": 10, "dispatch": {"type": "exec", "argv": ["worker"]}}
        """
    }

    @Test func overTheBudgetTheLeastRecentlyUsedPausedWorkerIsStoppedAndAudited() async throws {
        var app = TestApp()
        // Two paused workers of 16 MiB each (the in-memory engine's figure) against 24 MiB.
        app.warmMemoryLimitBytes = 24 * 1_048_576
        try await app.run { [app] client in
            for name in ["old", "new"] { try await client.post("/agents", Self.agent(name)) }
            try await client.post("/agents/old/tasks?wait=true", #"{"payload": "a"}"#)
            await app.clock.waitForSleeper(until: app.clock.now.advanced(by: .seconds(10)))
            app.clock.advance(by: .seconds(5))
            try await client.post("/agents/new/tasks?wait=true", #"{"payload": "b"}"#)
            await app.clock.waitForSleeper(until: app.clock.now.advanced(by: .seconds(10)))
            app.clock.advance(by: .seconds(5))  // old paused
            try await waitUntil { try await Self.state(client, "old") == "paused" }
            app.clock.advance(by: .seconds(5))  // new paused: 32 MiB, over 24
            try await waitUntil { try await Self.state(client, "old") == "stopped" }
            #expect(try await Self.state(client, "new") == "paused")
            let events = try await client.get("/agents/old/events").json["events"].array
            let stop = try #require(events.last)
            #expect(stop["type"].string == "lazy_stop", "\(events)")
            #expect(stop["detail"]["reason"].string == "memory_budget")
            #expect(stop["detail"]["trigger"].string == "memory_budget")
        }
    }

    @Test func aMalformedLimitIsRefusedAtStartupNamingTheVariable() throws {
        for value in ["abc", "-1", "1.5"] {
            #expect {
                try ServerConfiguration.fromEnvironment(["DORMOUSE_WARM_MEMORY_MB": value])
            } throws: {
                "\($0)".contains("DORMOUSE_WARM_MEMORY_MB") && "\($0)".contains(value)
            }
        }
        #expect(
            try ServerConfiguration.fromEnvironment(["DORMOUSE_WARM_MEMORY_MB": "512"]).warmMemoryLimitBytes
                == 512 * 1_048_576)
        #expect(try ServerConfiguration.fromEnvironment([:]).warmMemoryLimitBytes == nil)
    }

    static func state(_ client: APIClient, _ name: String) async throws -> String? {
        try await client.get("/agents/\(name)").json["state"]["lifecycle_state"].string
    }
}
