import Foundation
import HTTPTypes
import Lifecycle
import LifecycleTestKit
import Registry
import TestSupport
import Testing

@testable import Server

@Suite("/agents")
struct AgentsAPITests {
    static let lazyAgent = """
        {"name": "w1", "mode": "container", "container": {"image": "busybox", "command": ["sleep", "3600"]},
         "idle_timeout_s": 30, "dispatch": {"type": "exec", "argv": ["sh", "-c", "echo $DORMOUSE_PAYLOAD"]}}
        """

    @Test func createsListsReadsAndDeletesAnAgent() async throws {
        try await TestApp().run { client in
            let created = try await client.post("/agents", Self.lazyAgent)
            #expect(created.status == .created)
            #expect(created.headers[.location] == "/agents/w1")
            #expect(created.json["lifecycle"].string == "lazy")
            #expect(created.json["max_concurrency"].int == 1)
            #expect(created.json["dispatch"]["timeout_s"].int == 300)
            #expect(created.json["state"]["lifecycle_state"].string == "stopped")
            #expect(created.json["state"]["lifecycle_metrics"]["counters"]["lazy_start"].int == 0)
            #expect(created.json["state"]["lifecycle_metrics"]["last_event"] == .null)

            let list = try await client.get("/agents")
            #expect(list.json["agents"].array.map { $0["name"].string } == ["w1"])
            #expect(try await client.get("/agents/w1").json["container"]["image"].string == "busybox")

            #expect(try await client.send(.delete, "/agents/w1").status == .noContent)
            #expect(try await client.get("/agents/w1").status == .notFound)
            #expect(try await client.send(.delete, "/agents/w1").status == .notFound)
        }
    }

    @Test func hotAndHostAgentsHaveNoLifecycleReading() async throws {
        try await TestApp(allowsHostAgents: true).run { client in
            let hot = try await client.post(
                "/agents",
                #"{"name":"hot","mode":"container","lifecycle":"hot","container":{"name":"op-made"},"dispatch":{"type":"exec","argv":["true"]}}"#
            )
            #expect(hot.status == .created)
            #expect(hot.json["state"]["lifecycle_state"] == .null)
            #expect(hot.json["state"]["lifecycle_metrics"] == .null)
            let host = try await client.post(
                "/agents", #"{"name":"local","mode":"host","dispatch":{"type":"command","argv":["cat"]}}"#)
            #expect(host.status == .created)
            #expect(host.json["lifecycle"] == .null)
            #expect(host.json["container"] == .null)
            #expect(host.json["state"]["lifecycle_metrics"] == .null)
        }
    }

    @Test func aTakenNameIs409() async throws {
        try await TestApp().run { client in
            try await client.post("/agents", Self.lazyAgent)
            let again = try await client.post("/agents", Self.lazyAgent)
            #expect(again.status == .conflict)
            #expect(again.json["type"].string == "urn:dormouse:problem:name-taken")
        }
    }

    @Test(arguments: [
        ("{", "malformed-json"),
        ("", "malformed-json"),
        (#"{"name":"a","mode":"host","dispatch":{"type":"command","argv":["x"]},"colour":"red"}"#, "unknown-field"),
        (
            #"{"name":"a","mode":"container","container":{"image":"x","ports":[1]},"dispatch":{"type":"exec","argv":["x"]}}"#,
            "unknown-field"
        ),
    ])
    func badBodiesAre400(body: String, kind: String) async throws {
        try await TestApp().run { client in
            let reply = try await client.post("/agents", body)
            #expect(reply.status == .badRequest)
            #expect(reply.headers[.contentType] == "application/problem+json")
            #expect(reply.json["type"].string == "urn:dormouse:problem:\(kind)")
        }
    }

    @Test(arguments: [
        (#"{"name":"Bad Name","mode":"host","dispatch":{"type":"command","argv":["x"]}}"#, "name"),
        (#"{"name":"a","mode":"container","dispatch":{"type":"exec","argv":["x"]}}"#, "container"),
        (#"{"name":"a","mode":"host","dispatch":{"type":"exec","argv":["x"]}}"#, "dispatch.type"),
        (
            #"{"name":"a","mode":"host","max_concurrency":0,"dispatch":{"type":"command","argv":["x"]}}"#,
            "max_concurrency"
        ),
        (#"{"name":"a","mode":"boat","dispatch":{"type":"command","argv":["x"]}}"#, "mode"),
        (
            #"{"name":"a","mode":"host","idle_timeout_s":"soon","dispatch":{"type":"command","argv":["x"]}}"#,
            "idle_timeout_s"
        ),
        (#"{"mode":"host","dispatch":{"type":"command","argv":["x"]}}"#, "name"),
    ])
    func invalidValuesAre422(body: String, field: String) async throws {
        try await TestApp().run { client in
            let reply = try await client.post("/agents", body)
            #expect(reply.status == .unprocessableContent)
            #expect(reply.json["errors"].array.contains { $0["field"].string == field })
        }
    }

    @Test func aBodyOverOneMebibyteIs413() async throws {
        try await TestApp().run { client in
            let padding = String(repeating: "x", count: RequestJSON.maximumBody)
            let reply = try await client.post("/agents", #"{"name":"a","pad":"\#(padding)"}"#)
            #expect(reply.status == .contentTooLarge)
            #expect(reply.json["type"].string == "urn:dormouse:problem:body-too-large")
        }
    }

    @Test func patchMergesIntoTheDefinition() async throws {
        try await TestApp().run { client in
            try await client.post("/agents", Self.lazyAgent)
            let patched = try await client.send(
                .patch, "/agents/w1", json: #"{"idle_timeout_s": 5, "container": {"env": {"A": "1"}}}"#)
            #expect(patched.status == .ok)
            #expect(patched.json["idle_timeout_s"].int == 5)
            #expect(patched.json["container"]["image"].string == "busybox")
            #expect(patched.json["container"]["env"]["A"].string == "1")
            #expect(patched.json["updated_at"].int ?? 0 >= patched.json["created_at"].int ?? 0)

            #expect(
                try await client.send(.patch, "/agents/w1", json: #"{"name": "w2"}"#).status == .unprocessableContent)
            #expect(try await client.send(.patch, "/agents/w1", json: #"{"nme": "w2"}"#).status == .badRequest)
            #expect(
                try await client.send(.patch, "/agents/w1", json: #"{"container": null}"#).status
                    == .unprocessableContent)
            #expect(try await client.send(.patch, "/agents/zz", json: #"{}"#).status == .notFound)
        }
    }

    @Test func operatorStartAndStopAreRecordedWithTheirTrigger() async throws {
        let app = TestApp(allowsHostAgents: true)
        try await app.run { client in
            try await client.post("/agents", Self.lazyAgent)
            let started = try await client.post("/agents/w1/start")
            #expect(started.status == .ok)
            #expect(started.json["result"].string == "started")
            #expect(started.json["lifecycle_state"].string == "running")
            #expect(try await client.post("/agents/w1/start").json["result"].string == "already_running")
            let stopped = try await client.post("/agents/w1/stop")
            #expect(stopped.json["result"].string == "stopped")
            #expect(try await client.post("/agents/w1/stop").json["result"].string == "already_stopped")
            let events = try await client.get("/agents/w1/events").json["events"].array
            #expect(events.map { $0["type"].string } == ["lazy_start", "lazy_stop"])
            #expect(events.map { $0["detail"]["trigger"].string } == ["operator", "operator"])
            let host = #"{"name":"local","mode":"host","dispatch":{"type":"command","argv":["cat"]}}"#
            try await client.post("/agents", host)
            #expect(try await client.post("/agents/local/start").status == .conflict)
            #expect(try await client.post("/agents/nobody/stop").status == .notFound)
        }
    }

    @Test func aHotAgentIsStartedWhenDeclaredAndAgainAfterARestart() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dormouse-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let runtime = InMemoryContainerRuntime(images: ["busybox"])
        let hot =
            #"{"name":"hot","mode":"container","lifecycle":"hot","container":{"image":"busybox"},"dispatch":{"type":"exec","argv":["x"]}}"#
        let app = TestApp(runtime: runtime, databasePath: folder.appendingPathComponent("d.sqlite").path)
        try await app.run { client in
            let created = try await client.post("/agents", hot)
            #expect(created.status == .created)
            let events = await app.recorder.waitFor(1)
            #expect(events.map(\.trigger) == [.boot])
            #expect(runtime.container("dormouse-hot")?.isRunning == true)
            // Hot workers are not counted: their metrics stay null.
            let agent = try await client.get("/agents/hot").json
            #expect(agent["state"]["lifecycle_metrics"] == .null)
        }
        runtime.externallyStop(try #require(runtime.container("dormouse-hot")?.id))
        let restarted = TestApp(runtime: runtime, databasePath: app.databasePath)
        try await restarted.run { _ in
            await restarted.recorder.waitFor(1)
            #expect(runtime.container("dormouse-hot")?.isRunning == true)
        }
    }
}
