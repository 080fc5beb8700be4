import Foundation
import HTTPTypes
import HummingbirdTesting
import Registry
import TestSupport
import Testing

/// `/webhooks` as an API: add, list, read, delete, what is refused and why, and who may do what.
@Suite("Webhooks API")
struct WebhooksAPITests {
    typealias Support = WebhookTestSupport

    @Test func addsListsAndDeletesWithoutEverShowingTheSecret() async throws {
        try await TestApp().run { client in
            let reply = try await client.post(
                "/webhooks",
                #"{"url": "https://hooks.example/dormouse?k=1", "secret": "\#(Support.secret)", "#
                    + #""types": ["container.lazy_started"], "instances": ["w1", "w2"]}"#)
            #expect(reply.status == .created)
            let id = try #require(reply.json["id"].string)
            #expect(reply.headers[.location] == "/webhooks/\(id)")
            #expect(id.hasPrefix("wh_") && id.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" })
            #expect(!reply.text.contains(Support.secret) && !reply.text.contains("0123456789abcdef0123"))
            #expect(reply.json["secret_hint"].string == "…cdef")
            #expect(reply.json["state"].string == "ok")
            #expect(reply.json["types"] == .array([.string("container.lazy_started")]))

            let list = try await client.get("/webhooks")
            #expect(list.json["webhooks"].array.map(\.["id"].string) == [id])
            #expect(!list.text.contains(Support.secret))
            #expect(try await client.get("/webhooks/\(id)").json["url"].string == "https://hooks.example/dormouse?k=1")
            #expect(try await client.send(.delete, "/webhooks/\(id)").status == .noContent)
            #expect(try await client.send(.delete, "/webhooks/\(id)").status == .notFound)
            #expect(try await client.get("/webhooks/\(id)").status == .notFound)
            #expect(try await client.get("/webhooks").json["webhooks"].array.isEmpty)
        }
    }

    /// Invalid values are refused with 422 naming the field; nothing is stored.
    @Test func refusesBadValuesNamingTheField() async throws {
        try await TestApp().run { client in
            let port = try #require(client.client.port)
            let secret = Support.secret
            let cases: [(String, String)] = [
                (#"{"url": "ftp://hooks.example/x", "secret": "\#(secret)"}"#, "url"),
                (#"{"url": "hooks.example/x", "secret": "\#(secret)"}"#, "url"),
                (#"{"url": "http:///nohost", "secret": "\#(secret)"}"#, "url"),
                (#"{"url": "https://user:pw@hooks.example/", "secret": "\#(secret)"}"#, "url"),
                (#"{"url": "http://127.0.0.1:\#(port)/hook", "secret": "\#(secret)"}"#, "url"),
                (#"{"url": "http://0.0.0.0:\#(port)/", "secret": "\#(secret)"}"#, "url"),
                (#"{"url": "http://[::1]:\#(port)/", "secret": "\#(secret)"}"#, "url"),
                (#"{"url": "http://localhost/", "secret": "\#(secret)"}"#, "url"),
                (#"{"url": "https://hooks.example/", "secret": "short"}"#, "secret"),
                (#"{"url": "https://hooks.example/", "secret": "\#(secret)", "types": ["lazy_start"]}"#, "types.0"),
                (#"{"url": "https://hooks.example/", "secret": "\#(secret)", "types": []}"#, "types"),
                (
                    #"{"url": "https://hooks.example/", "secret": "\#(secret)", "instances": ["Bad Name"]}"#,
                    "instances.0"
                ),
                (#"{"url": "https://hooks.example/"}"#, "secret"),
                (#"{"url": "http://hooks.example:99999/", "secret": "\#(secret)"}"#, "url"),
                (#"{"url": "http://hooks.example:0/", "secret": "\#(secret)"}"#, "url"),
                (#"{"url": "http://[/", "secret": "\#(secret)"}"#, "url"),
                (#"{"url": "http://ex ample.com/", "secret": "\#(secret)"}"#, "url"),
                (#"{"url": "http://%zz/", "secret": "\#(secret)"}"#, "url"),
                (#"{"url": "", "secret": "\#(secret)"}"#, "url"),
            ]
            for (body, field) in cases {
                let reply = try await client.post("/webhooks", body)
                #expect(reply.status == .unprocessableContent, "\(body)")
                #expect(reply.json["errors"].array.map(\.["field"].string).contains(field), "\(body): \(reply.text)")
            }
            let short = try await client.post("/webhooks", #"{"url": "https://hooks.example/", "secret": "short"}"#)
            #expect(short.json["detail"].string?.contains("at least 32 characters") == true)
            let itself = try await client.post(
                "/webhooks", #"{"url": "http://127.0.0.1:\#(port)/", "secret": "\#(secret)"}"#)
            #expect(itself.json["detail"].string?.contains("this Dormouse server itself") == true)
            // Another port on loopback is another program: a local receiver is fine.
            let other = port == 65_535 ? port - 1 : port + 1
            let local = try await client.post(
                "/webhooks", #"{"url": "http://127.0.0.1:\#(other)/", "secret": "\#(secret)"}"#)
            #expect(local.status == .created)
            #expect(try await client.get("/webhooks").json["webhooks"].array.count == 1)
        }
    }

    @Test func keepsAtMostAHundred() async throws {
        try await TestApp().run { client in
            for index in 0..<WebhookStore.maximumCount {
                _ = try await Support.addWebhook(client, url: "https://hooks.example/\(index)")
            }
            let one = try await client.post(
                "/webhooks", #"{"url": "https://hooks.example/x", "secret": "\#(Support.secret)"}"#)
            #expect(one.status == .conflict)
            #expect(one.json["detail"].string?.contains("delete one first") == true)
            #expect(try await client.get("/webhooks").json["webhooks"].array.count == 100)
        }
    }

    @Test func refusesUnknownFieldsAndMalformedJSON() async throws {
        try await TestApp().run { client in
            let unknown = try await client.post(
                "/webhooks", #"{"url": "https://hooks.example/", "secret": "\#(Support.secret)", "events": []}"#)
            #expect(unknown.status == .badRequest)
            #expect(unknown.json["type"].string == "urn:dormouse:problem:unknown-field")
            #expect(try await client.post("/webhooks", #"{"url": "#).status == .badRequest)
            #expect(try await client.send(.put, "/webhooks", validate: false).status == .methodNotAllowed)
        }
    }

    @Test func aReadOnlyTokenListsButCannotAddOrDelete() async throws {
        let app = TestApp(token: "full-token", readToken: "read-token")
        try await app.run { client in
            let id = try await Support.addWebhook(client, url: "https://hooks.example/")
            var reader = client
            reader.token = "read-token"
            #expect(try await reader.get("/webhooks").status == .ok)
            #expect(try await reader.get("/webhooks/\(id)").status == .ok)
            let add = try await reader.post(
                "/webhooks", #"{"url": "https://a.example/", "secret": "\#(Support.secret)"}"#)
            #expect(add.status == .forbidden)
            #expect(try await reader.send(.delete, "/webhooks/\(id)").status == .forbidden)
            #expect(try await client.send(.get, "/webhooks", authorized: false).status == .unauthorized)
            #expect(try await client.get("/webhooks").json["webhooks"].array.count == 1)
        }
    }
}
