import Foundation
import GRDB
import HTTPTypes
import HummingbirdTesting
import Lifecycle
import NIOCore
import Registry
import TestSupport
import Testing

@testable import DormouseClient

/// Request bodies and payloads over real HTTP: strict parsing at the edge (depth, UTF-8, range) with nothing
/// stored on refusal, byte-exact payloads through storage and delivery, and stored rows that cannot be read
/// back shown rather than failing a read.
@Suite("Payload JSON")
struct PayloadJSONTests {
    static func nested(_ depth: Int) -> String {
        String(repeating: "[", count: depth) + "1" + String(repeating: "]", count: depth)
    }

    static func taskCount(_ client: APIClient) async throws -> Int {
        try await client.get("/agents/w1/tasks?limit=1000").json["tasks"].array.count
    }

    @Test func aPayloadDeeperThanTheLimitIsRefusedBeforeAnythingIsStored() async throws {
        try await TestApp().run { client in
            try await client.post("/agents", TasksAPITests.agent())
            for depth in [65, 500, 10_000] {
                let refused = try await client.post("/agents/w1/tasks", #"{"payload": \#(Self.nested(depth))}"#)
                #expect(refused.status == .unprocessableContent)
                #expect(refused.json["type"].string == "urn:dormouse:problem:too-deep")
                #expect(refused.json["detail"].string?.contains("64 levels") == true, "\(refused.text)")
                #expect(refused.json["detail"].string?.contains("byte offset 76") == true, "\(refused.text)")
            }
            #expect(try await Self.taskCount(client) == 0)

            let deepest = try await client.post("/agents/w1/tasks?wait=true", #"{"payload": \#(Self.nested(64))}"#)
            #expect(deepest.status == .ok)
            #expect(deepest.json["output"].string == Self.nested(64))
            #expect(try await Self.taskCount(client) == 1)
        }
    }

    @Test func aDeepAgentDefinitionIsRefusedAndNothingChanges() async throws {
        try await TestApp().run { client in
            let deep = #"{"name": "w9", "mode": "host", "x": \#(Self.nested(200))}"#
            let created = try await client.post("/agents", deep)
            #expect(created.status == .unprocessableContent)
            #expect(created.json["type"].string == "urn:dormouse:problem:too-deep")
            try await client.post("/agents", TasksAPITests.agent())
            let before = try await client.get("/agents/w1").text
            let patched = try await client.send(.patch, "/agents/w1", json: #"{"container": \#(Self.nested(100))}"#)
            #expect(patched.status == .unprocessableContent)
            #expect(try await client.get("/agents").json["agents"].array.count == 1)
            #expect(try await client.get("/agents/w1").text == before)
        }
    }

    @Test(
        arguments: [
            (Array(#"{"payload": "a"#.utf8) + [0xC0, 0xAF] + Array(#""}"#.utf8), "invalid UTF-8 at byte offset 14"),
            (Array(#"{"payload": "\ud800"}"#.utf8), "surrogate pair at byte offset 13"),
            (Array(#"{"payload": 1e400}"#.utf8), "number out of range (it overflows a double) at byte offset 12"),
            (Array(#"{"payload": 1, "payload": 2}"#.utf8), #"duplicate key "payload" at byte offset 15"#),
            (Array(#"{"payload": [1,]}"#.utf8), "unexpected character at byte offset 15"),
        ] as [([UInt8], String)])
    func malformedBodiesAre400WithTheOffsetAndStoreNothing(body: [UInt8], detail: String) async throws {
        try await TestApp().run { client in
            try await client.post("/agents", TasksAPITests.agent())
            let response = try await client.client.execute(
                uri: "/agents/w1/tasks", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(bytes: body))
            #expect(response.status == .badRequest)
            let problem = try JSONValue.parse(String(buffer: response.body))
            let kind = detail.hasPrefix("number out of range") ? "number-out-of-range" : "malformed-json"
            #expect(problem["type"].string == "urn:dormouse:problem:\(kind)")
            #expect(problem["detail"].string?.hasSuffix(detail) == true, "\(problem)")
            #expect(try await Self.taskCount(client) == 0)

            // An agent definition is read by the same parser first.
            let agent = try await client.client.execute(
                uri: "/agents", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(bytes: Array(#"{"name": "w2", "mode": "host", "#.utf8) + body.dropFirst()))
            #expect(agent.status == .badRequest)
            #expect(try await client.get("/agents/w2").status == .notFound)
        }
    }

    static let exactPayload =
        #"{"big":12345678901234567890,"one":1.0,"neg":-0.0,"exp":1E+2,"tiny":1e-400,"z":"é \"q\" \u0001","#
        + #""a":[],"o":{"y":null,"x":true}}"#

    @Test func payloadsRoundTripByteExactThroughStorageDeliveryAndReads() async throws {
        try await TestApp().run { client in
            try await client.post("/agents", TasksAPITests.agent())
            // Whitespace in the request is not kept; everything else is.
            let spaced = Self.exactPayload.replacingOccurrences(of: ",\"", with: ",  \"")
            let reply = try await client.post("/agents/w1/tasks?wait=true", #"{"payload": \#(spaced)}"#)
            #expect(reply.text.contains(#""payload":\#(Self.exactPayload)"#), "\(reply.text)")
            // The in-memory worker echoes DORMOUSE_PAYLOAD: the text the worker was handed.
            #expect(reply.json["output"].string == Self.exactPayload)
            let id = try #require(reply.json["id"].string)
            #expect(try await client.get("/tasks/\(id)").text.contains(#""payload":\#(Self.exactPayload)"#))
            #expect(try await client.get("/agents/w1/tasks").text.contains(#""payload":\#(Self.exactPayload)"#))
        }
    }

    @Test func aStoredPayloadThatCannotBeReadBackIsShownRawNotA500() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dormouse-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let app = TestApp(databasePath: folder.appendingPathComponent("d.sqlite").path)
        try await app.run { client in try await client.post("/agents", TasksAPITests.agent()) }
        // What an older version stored: a payload 511 levels deep, and one that is not JSON at all.
        let database = try DormouseDatabase.open(path: try #require(app.databasePath))
        try await database.write { db in
            let agentID = try Int64.fetchOne(db, sql: "SELECT id FROM agents WHERE name = 'w1'")
            for (id, payload) in [("t-deep", Self.nested(511)), ("t-broken", "{\"a\":"), ("t-ok", "[1.0]")] {
                try db.execute(
                    sql: """
                        INSERT INTO tasks (id, agent_id, agent, status, payload_json, created_at)
                        VALUES (?, ?, 'w1', 'succeeded', ?, 1)
                        """, arguments: [id, agentID, payload])
            }
        }
        try database.close()
        try await TestApp(databasePath: app.databasePath).run { client in
            let list = try await client.get("/agents/w1/tasks")
            #expect(list.status == .ok)
            let tasks = list.json["tasks"].array
            #expect(tasks.map { $0["id"].string } == ["t-ok", "t-broken", "t-deep"])
            #expect(tasks[0]["payload"] == .array([.number(try #require(JSONNumber(literal: "1.0")))]))
            #expect(tasks[0]["payload_raw"] == .null)
            #expect(tasks[1]["payload"].string == "{\"a\":")
            #expect(tasks[1]["payload_raw"] == .bool(true))
            let deep = try await client.get("/tasks/t-deep")
            #expect(deep.status == .ok)
            #expect(deep.json["payload"].string == Self.nested(511))
            #expect(deep.json["payload_raw"] == .bool(true))
        }
    }
}
