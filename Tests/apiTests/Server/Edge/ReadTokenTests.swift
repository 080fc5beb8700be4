import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import DormouseClient
@testable import Server

/// The read-only token: reads, the event stream, metrics and the dashboard take it; writes answer 403.
@Suite("Read-only token", .timeLimit(.minutes(1)))
struct ReadTokenTests {
    static var app: TestApp { TestApp(token: "full-token", readToken: "read-token") }

    @Test func readsAreAnsweredAndWritesRefused() async throws {
        try await Self.app.run { client in
            try await client.post("/agents", AgentsAPITests.lazyAgent)
            let reader = APIClient(client: client.client, validator: client.validator, token: "read-token")
            #expect(try await reader.get("/agents").status == .ok)
            #expect(try await reader.get("/agents/w1").status == .ok)
            #expect(try await reader.get("/metrics").status == .ok)
            #expect(try await reader.get("/openapi.json").status == .ok)
            #expect(try await reader.get("/").status == .ok)
            for (method, path, json) in [
                (
                    HTTPRequest.Method.post, "/agents",
                    #"{"name": "w2", "mode": "host", "dispatch": {"type": "http", "port": 1}}"#
                ),
                (.post, "/agents/w1/tasks", #"{"payload": 1}"#), (.patch, "/agents/w1", #"{"idle_timeout_s": 5}"#),
                (.delete, "/agents/w1", nil), (.post, "/agents/w1/start", nil), (.post, "/agents/w1/stop", nil),
            ] {
                let reply = try await reader.send(method, path, json: json)
                #expect(reply.status == .forbidden, "\(method) \(path)")
                #expect(reply.json["type"].string == "urn:dormouse:problem:read-only-token")
                #expect(reply.json["detail"].string?.contains("read-only token") == true)
            }
            #expect(try await client.get("/agents").json["agents"].array.map { $0["name"].string } == ["w1"])
            #expect(try await client.get("/agents/w1/tasks").json["tasks"].array.isEmpty)
            #expect(try await client.get("/agents/w1").json["idle_timeout_s"].int == 30)
        }
    }

    @Test func theEventStreamTakesIt() async throws {
        try await Self.app.run { client in
            let port = try #require(client.client.port)
            let reader = APIClient(client: client.client, validator: client.validator, token: "read-token")
            var direct = try await SSEReader.open(
                "http://127.0.0.1:\(port)/events", headers: [("Authorization", "Bearer read-token")])
            #expect(direct.status == 200)
            #expect(try await direct.next() != nil)
            let issued = try await reader.post("/events/token")
            #expect(issued.status == .created)
            let token = try #require(issued.json["token"].string)
            let streamed = try await SSEReader.open("http://127.0.0.1:\(port)/events?access_token=\(token)")
            #expect(streamed.status == 200)
        }
    }

    @Test func aWrongTokenIsStill401() async throws {
        try await Self.app.run { client async throws in
            let stranger = APIClient(client: client.client, validator: client.validator, token: "read-tokem")
            #expect(try await stranger.get("/agents").status == .unauthorized)
            #expect(try await stranger.post("/agents/w1/stop").status == .unauthorized)
        }
    }

    @Test func aReadTokenWithoutAFullTokenIsAConfigurationError() throws {
        var configuration = try ServerConfiguration.fromEnvironment(["DORMOUSE_READ_TOKEN": "r"])
        let error = #expect(throws: ConfigurationError.self) { try configuration.validate() }
        #expect(error?.description.contains("DORMOUSE_READ_TOKEN needs DORMOUSE_API_TOKEN") == true)
        configuration.apiToken = "r"
        #expect(throws: ConfigurationError.self) { try configuration.validate() }
        configuration.apiToken = "f"
        #expect(throws: Never.self) { try configuration.validate() }
    }

    @Test func edgeVariablesAreRead() throws {
        let configuration = try ServerConfiguration.fromEnvironment([
            "DORMOUSE_ALLOWED_HOSTS": "dormouse.lan, proxy.lan:8443,[fd00::1]:7070",
            "DORMOUSE_CORS_ORIGINS": "https://ops.example,http://127.0.0.1:3000",
        ])
        #expect(configuration.allowedHosts.map(\.text) == ["dormouse.lan", "proxy.lan:8443", "[fd00::1]:7070"])
        #expect(configuration.corsOrigins == ["https://ops.example", "http://127.0.0.1:3000"])
    }

    @Test(arguments: [
        ["DORMOUSE_ALLOWED_HOSTS": "*"], ["DORMOUSE_ALLOWED_HOSTS": "host:port"],
        ["DORMOUSE_ALLOWED_HOSTS": "a b"], ["DORMOUSE_CORS_ORIGINS": "*"],
        ["DORMOUSE_CORS_ORIGINS": "ops.example"], ["DORMOUSE_CORS_ORIGINS": "https://ops.example/app"],
    ])
    func malformedEdgeValuesNameTheVariable(environment: [String: String]) {
        let error = #expect(throws: ConfigurationError.self) { try ServerConfiguration.fromEnvironment(environment) }
        #expect(error?.description.contains(environment.keys.first!) == true)
    }
}
