import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// The browser-to-host attack replayed as raw HTTP (a page on another origin sends "simple" requests: a
/// `text/plain` body and no preflight) and each layer that stops it: the `Origin` check (403), the media
/// type (415); then methods the API does not serve (405) and CORS, off unless configured.
@Suite("Browser attacks", .timeLimit(.minutes(1)))
struct BrowserAttackTests {
    static let hostAgent =
        #"{"name": "pwn", "mode": "host", "dispatch": {"type": "command", "argv": ["/bin/echo", "pwned"]}}"#
    static let evil = ("Origin", "http://evil.example")
    static let textPlain = ("Content-Type", "text/plain;charset=UTF-8")

    @Test func aCrossSitePageCanNeitherDeclareNorDispatch() async throws {
        try await TestApp().run { client in
            let raw = RawHTTP(port: try #require(client.client.port))
            try await client.post("/agents", AgentsAPITests.lazyAgent)
            for headers in [[Self.evil, Self.textPlain], [Self.evil, ("Content-Type", "application/json")]] {
                let declare = try await raw.send("POST", "/agents", headers: headers, body: Self.hostAgent)
                #expect(declare.status == 403)
                #expect(declare.body.contains("urn:dormouse:problem:cross-origin"))
                try client.validate("POST", "/agents", declare)
                let dispatch = try await raw.send(
                    "POST", "/agents/w1/tasks", headers: headers, body: #"{"payload": "x"}"#)
                #expect(dispatch.status == 403)
            }
            #expect(try await client.get("/agents").json["agents"].array.map { $0["name"].string } == ["w1"])
            #expect(try await client.get("/agents/w1/tasks").json["tasks"].array.isEmpty)
        }
    }

    @Test(arguments: ["null", "http://127.0.0.1.evil.example", "http://localhost:1", "file://"])
    func anOriginNotTheServersOwnIsRefused(origin: String) async throws {
        try await TestApp().run { client in
            let raw = RawHTTP(port: try #require(client.client.port))
            let reply = try await raw.send(
                "POST", "/agents", headers: [("Origin", origin), ("Content-Type", "application/json")],
                body: AgentsAPITests.lazyAgent)
            #expect(reply.status == 403)
            #expect(try await client.get("/agents").json["agents"].array.isEmpty)
        }
    }

    @Test func fetchMetadataCrossSiteIsRefusedEvenWithoutOrigin() async throws {
        try await TestApp().run { client in
            let raw = RawHTTP(port: try #require(client.client.port))
            try await client.post("/agents", AgentsAPITests.lazyAgent)
            let reply = try await raw.send("DELETE", "/agents/w1", headers: [("Sec-Fetch-Site", "cross-site")])
            #expect(reply.status == 403)
            #expect(try await client.get("/agents/w1").status == .ok)
        }
    }

    @Test func theServersOwnOriginMayChangeState() async throws {
        try await TestApp().run { client in
            let port = try #require(client.client.port)
            let raw = RawHTTP(port: port)
            let headers = [
                ("Origin", "http://127.0.0.1:\(port)"), ("Sec-Fetch-Site", "same-origin"),
                ("Content-Type", "application/json; charset=utf-8"),
            ]
            let reply = try await raw.send("POST", "/agents", headers: headers, body: AgentsAPITests.lazyAgent)
            #expect(reply.status == 201)
            let token = try await raw.send("POST", "/events/token", headers: [("Origin", "http://localhost:\(port)")])
            #expect(token.status == 201)
        }
    }

    @Test func aBodyThatIsNotDeclaredJSONIsRefusedBeforeAnythingIsStored() async throws {
        try await TestApp().run { client in
            let raw = RawHTTP(port: try #require(client.client.port))
            try await client.post("/agents", AgentsAPITests.lazyAgent)
            for contentType in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data", nil] {
                let headers = contentType.map { [("Content-Type", $0)] } ?? []
                let declare = try await raw.send("POST", "/agents", headers: headers, body: Self.hostAgent)
                #expect(declare.status == 415, "POST /agents \(contentType ?? "no type")")
                #expect(declare.headers["content-type"] == "application/problem+json")
                #expect(declare.detail?.contains("Content-Type: application/json") == true)
                try client.validate("POST", "/agents", declare)
                let dispatch = try await raw.send(
                    "POST", "/agents/w1/tasks", headers: headers, body: #"{"payload": "x"}"#)
                #expect(dispatch.status == 415)
                let patch = try await raw.send(
                    "PATCH", "/agents/w1", headers: headers, body: #"{"idle_timeout_s": 5}"#)
                #expect(patch.status == 415)
            }
            #expect(try await client.get("/agents").json["agents"].array.count == 1)
            #expect(try await client.get("/agents/w1/tasks").json["tasks"].array.isEmpty)
            #expect(try await client.get("/agents/w1").json["idle_timeout_s"].int == 30)
        }
    }

    @Test func aMergePatchMayBeDeclaredAsSuch() async throws {
        try await TestApp().run { client in
            try await client.post("/agents", AgentsAPITests.lazyAgent)
            let reply = try await client.send(
                .patch, "/agents/w1", json: #"{"idle_timeout_s": 5}"#,
                headers: [.contentType: "application/merge-patch+json"])
            #expect(reply.status == .ok)
            #expect(reply.json["idle_timeout_s"].int == 5)
        }
    }

    @Test(arguments: [
        ("TRACE", "/", "GET"), ("TRACE", "/agents", "GET, POST"), ("PUT", "/agents/w1", "DELETE, GET, PATCH"),
        ("OPTIONS", "/health", "GET"), ("HEAD", "/agents/w1/start", "POST"),
    ])
    func aMethodThePathDoesNotServeIs405(method: String, path: String, allow: String) async throws {
        try await TestApp(token: "s3cret").run { client in
            let raw = RawHTTP(port: try #require(client.client.port))
            let reply = try await raw.send(method, path, headers: [("X-Probe", "1")])
            #expect(reply.status == 405)
            #expect(reply.headers["allow"] == allow)
            #expect(reply.headers["content-type"] == "application/problem+json")
            guard method != "HEAD" else { return }  // a HEAD answer has no body
            #expect(reply.detail?.contains(allow) == true)
            try client.validator.validate(
                componentResponse: "MethodNotAllowed", contentType: reply.headers["content-type"],
                body: Data(reply.body.utf8))
        }
    }

    @Test func noCORSHeaderUnlessConfigured() async throws {
        try await TestApp().run { client in
            let raw = RawHTTP(port: try #require(client.client.port))
            let preflight = try await raw.send(
                "OPTIONS", "/agents", headers: [Self.evil, ("Access-Control-Request-Method", "POST")])
            #expect(preflight.status == 405)
            #expect(!preflight.hasCORSHeaders)
            let read = try await raw.send("GET", "/agents", headers: [Self.evil])
            #expect(read.status == 200)
            #expect(!read.hasCORSHeaders)
            #expect(read.headers["vary"] == nil)
        }
    }

    @Test func aConfiguredOriginGetsCORSAndMayChangeState() async throws {
        var app = TestApp()
        app.corsOrigins = ["https://ops.example"]
        try await app.run { client in
            let raw = RawHTTP(port: try #require(client.client.port))
            let origin = ("Origin", "https://ops.example")
            let preflight = try await raw.send(
                "OPTIONS", "/agents",
                headers: [
                    origin, ("Access-Control-Request-Method", "POST"),
                    ("Access-Control-Request-Headers", "content-type"),
                ])
            #expect(preflight.status == 204)
            #expect(preflight.headers["access-control-allow-origin"] == "https://ops.example")
            #expect(preflight.headers["access-control-allow-methods"]?.contains("POST") == true)
            #expect(preflight.headers["vary"] == "Origin")
            let created = try await raw.send(
                "POST", "/agents",
                headers: [origin, ("Content-Type", "application/json"), ("Sec-Fetch-Site", "cross-site")],
                body: AgentsAPITests.lazyAgent)
            #expect(created.status == 201)
            #expect(created.headers["access-control-allow-origin"] == "https://ops.example")
            let other = try await raw.send("GET", "/agents", headers: [Self.evil])
            #expect(!other.hasCORSHeaders)
            let refused = try await raw.send(
                "POST", "/agents/w1/stop", headers: [Self.evil])
            #expect(refused.status == 403)
        }
    }
}
