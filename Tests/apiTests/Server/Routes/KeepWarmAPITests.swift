import Foundation
import HTTPTypes
import Lifecycle
import Registry
import TestSupport
import Testing

/// `keep_warm` and `keep_warm_time_zone` as the API takes them: what is refused, on which field, and valid windows
/// kept through reads and a merge patch (and reaching the lifecycle policy).
@Suite("keep_warm through the API")
struct KeepWarmAPITests {
    static func lazy(_ extra: String) -> String {
        #"{"name":"w1","mode":"container","container":{"image":"busybox"},"dispatch":{"type":"exec","argv":["x"]}"#
            + extra + "}"
    }

    @Test(arguments: [
        (lazy(#","keep_warm":["mon-fri 8:00-18:00"]"#), "keep_warm", "times are HH:MM"),
        (lazy(#","keep_warm":["someday 08:00-18:00"]"#), "keep_warm", "someday"),
        (lazy(#","keep_warm":["mon 08:00-08:00"]"#), "keep_warm", "mon 08:00-08:00"),
        (
            lazy(#","keep_warm":["daily 08:00-18:00"],"keep_warm_time_zone":"Mars/Olympus""#),
            "keep_warm_time_zone", "not a time zone"
        ),
        (lazy(#","keep_warm_time_zone":"Europe/Berlin""#), "keep_warm_time_zone", "needs keep_warm"),
        (lazy(#","lifecycle":"hot","keep_warm":["daily 08:00-18:00"]"#), "keep_warm", "hot workers"),
        (lazy(#","keep_warm":"daily 08:00-18:00""#), "keep_warm", "expected an array"),
    ])
    func refusedWithItsFieldAndMessage(body: String, field: String, message: String) async throws {
        try await TestApp().run { client in
            let reply = try await client.post("/agents", body)
            #expect(reply.status == .unprocessableContent, "\(reply.text)")
            #expect(
                reply.json["errors"].array.contains {
                    $0["field"].string == field && $0["message"].string?.contains(message) == true
                }, "\(reply.text)")
            #expect(try await client.get("/agents").json["agents"].array.isEmpty)
        }
    }

    @Test func validWindowsAreKeptThroughReadsAndAPatch() async throws {
        try await TestApp().run { client in
            let body = Self.lazy(#","keep_warm":["mon-fri 08:00-18:00"],"keep_warm_time_zone":"Europe/Berlin""#)
            let created = try await client.post("/agents", body)
            #expect(created.status == .created, "\(created.text)")
            #expect(created.json["keep_warm"][0].string == "mon-fri 08:00-18:00")
            #expect(try await client.get("/agents/w1").json["keep_warm_time_zone"].string == "Europe/Berlin")
            let patched = try await client.send(
                .patch, "/agents/w1", json: #"{"keep_warm": ["weekends 10:00-14:00", "daily 22:00-02:00"]}"#)
            #expect(patched.status == .ok, "\(patched.text)")
            #expect(patched.json["keep_warm"].array.count == 2)
            let removed = try await client.send(
                .patch, "/agents/w1", json: #"{"keep_warm": null, "keep_warm_time_zone": null}"#)
            #expect(removed.status == .ok, "\(removed.text)")
            #expect(removed.json["keep_warm"] == .null)
        }
    }

    @Test func theWindowsReachTheLifecyclePolicyInTheirZone() throws {
        let definition = try JSONDecoder().decode(
            AgentDefinition.self,
            from: Data(Self.lazy(#","keep_warm":["sun 00:00-04:00"],"keep_warm_time_zone":"Europe/Berlin""#).utf8))
        let schedule = try #require(definition.policy.keepWarm)
        #expect(schedule.timeZone.identifier == "Europe/Berlin")
        // 01:30 CET on the spring-forward Sunday is inside; 04:00 CEST (02:00 UTC) is its end.
        let inside = try #require(ISO8601DateFormatter().date(from: "2026-03-29T00:30:00Z"))
        #expect(schedule.coverageEnd(containing: inside) == ISO8601DateFormatter().date(from: "2026-03-29T02:00:00Z"))
        #expect(
            AgentDefinition(name: "x", mode: .container, dispatch: .exec(argv: ["x"], timeoutSeconds: 60)).policy
                .keepWarm == nil)
    }
}
