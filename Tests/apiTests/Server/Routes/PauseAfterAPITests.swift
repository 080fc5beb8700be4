import Foundation
import HTTPTypes
import LifecycleTestKit
import Registry
import TestSupport
import Testing

/// `pause_after_s` (the warm tier) as the API takes it: what is refused, field by field, and a valid one kept
/// through reads, a merge patch and a restart.
@Suite("pause_after_s through the API")
struct PauseAfterAPITests {
    static func lazy(_ extra: String) -> String {
        #"{"name":"w1","mode":"container","container":{"image":"busybox"},"dispatch":{"type":"exec","argv":["x"]}"#
            + extra + "}"
    }

    /// One refused body, the field the problem names and a part of its message.
    struct Refusal: Sendable, CustomTestStringConvertible {
        var body: String
        var message: String
        var field = "pause_after_s"
        var testDescription: String { message }
    }

    static let refusals: [Refusal] = [
        .init(
            body: lazy(#","idle_timeout_s":60,"pause_after_s":60"#),
            message: "must be less than idle_timeout_s (60): the worker is paused first, stopped later"),
        .init(
            body: lazy(#","pause_after_s":301"#),
            message: "must be less than idle_timeout_s (300): the worker is paused first, stopped later"),
        .init(
            body: lazy(#","lifecycle":"hot","pause_after_s":10"#),
            message: "hot workers are never put to sleep, so never paused; only lazy agents take it"),
        .init(
            body: #"{"name":"h1","mode":"host","pause_after_s":10,"dispatch":{"type":"command","argv":["cat"]}}"#,
            message: "host-mode agents have no container to pause"),
        .init(
            body: #"{"name":"s1","mode":"container","swarm":{"image":"busybox"},"pause_after_s":10,"#
                + #""dispatch":{"type":"exec","argv":["x"]}}"#,
            message: "Swarm services cannot be paused; they are stopped (scaled to zero) at idle_timeout_s instead"),
        .init(body: lazy(#","pause_after_s":0"#), message: "must be at least 1"),
        .init(body: lazy(#","pause_after_s":-5"#), message: "must be at least 1"),
        .init(body: lazy(#","pause_after_s":1.5"#), message: "expected an integer"),
        .init(body: lazy(#","pause_after_s":"soon""#), message: "expected an integer"),
    ]

    @Test(arguments: refusals)
    func refusedWithItsFieldAndMessage(_ refusal: Refusal) async throws {
        try await TestApp(allowsHostAgents: true).run { client in
            let reply = try await client.post("/agents", refusal.body)
            #expect(reply.status == .unprocessableContent, "\(reply.text)")
            #expect(reply.json["type"].string == "urn:dormouse:problem:invalid")
            let errors = reply.json["errors"].array
            #expect(
                errors.contains {
                    $0["field"].string == refusal.field && $0["message"].string?.contains(refusal.message) == true
                }, "\(reply.text)")
            #expect(try await client.get("/agents").json["agents"].array.isEmpty)
        }
    }

    @Test func aValidOneIsKeptThroughReadsAPatchAndARestart() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dormouse-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let runtime = InMemoryContainerRuntime(images: ["busybox"])
        let app = TestApp(runtime: runtime, databasePath: folder.appendingPathComponent("d.sqlite").path)
        try await app.run { client in
            let created = try await client.post("/agents", Self.lazy(#","idle_timeout_s":600,"pause_after_s":30"#))
            #expect(created.status == .created, "\(created.text)")
            #expect(created.json["pause_after_s"].int == 30)
            #expect(try await client.get("/agents/w1").json["pause_after_s"].int == 30)
            #expect(try await client.get("/agents").json["agents"][0]["pause_after_s"].int == 30)

            let patched = try await client.send(.patch, "/agents/w1", json: #"{"pause_after_s": 45}"#)
            #expect(patched.status == .ok && patched.json["pause_after_s"].int == 45, "\(patched.text)")
            // Lowering the idle timeout under the pause is refused on the pause's field; nothing changes.
            let under = try await client.send(.patch, "/agents/w1", json: #"{"idle_timeout_s": 45}"#)
            #expect(under.status == .unprocessableContent)
            #expect(under.json["errors"][0]["field"].string == "pause_after_s")
            #expect(try await client.get("/agents/w1").json["idle_timeout_s"].int == 600)
        }
        let restarted = TestApp(runtime: runtime, databasePath: app.databasePath)
        try await restarted.run { client in
            #expect(try await client.get("/agents/w1").json["pause_after_s"].int == 45)
            // null removes it (a merge patch), and an agent without it shows no member at all.
            let removed = try await client.send(.patch, "/agents/w1", json: #"{"pause_after_s": null}"#)
            #expect(removed.status == .ok)
            #expect(removed.json["pause_after_s"] == .null)
            #expect(!removed.text.contains("pause_after_s"))
        }
        try await TestApp(runtime: runtime, databasePath: app.databasePath).run { client in
            let agent = try await client.get("/agents/w1").text
            #expect(!agent.contains("pause_after_s"))
        }
    }
}
