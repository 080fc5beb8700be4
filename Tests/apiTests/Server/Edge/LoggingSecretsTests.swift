import Foundation
import HTTPTypes
import HummingbirdTesting
import InMemoryLogging
import Logging
import TestSupport
import Testing

/// Nothing that can hold a secret reaches the log, at the most verbose level: not the tokens (bearer or
/// stream token in the query), not a task's payload, not an agent's `env`.
@Suite("Logging secrets", .timeLimit(.minutes(1)))
struct LoggingSecretsTests {
    static let agent = """
        {"name": "w1", "mode": "container", "container": {"image": "busybox", "command": ["sleep", "3600"],
         "env": {"SECRET": "env-secret-4711"}}, "dispatch": {"type": "exec", "argv": ["cat"]}}
        """

    @Test func requestLogsHoldMethodPathStatusAndDurationOnly() async throws {
        let (logger, store) = InMemoryLogHandler.logger(level: .trace)
        var app = TestApp(token: "full-token-0815")
        app.logger = logger
        try await app.run { client in
            let port = try #require(client.client.port)
            #expect(try await client.post("/agents", Self.agent).status == .created)
            try await client.post("/agents/w1/tasks?wait=true", #"{"payload": "payload-secret-1234"}"#)
            let issued = try await client.post("/events/token")
            let token = try #require(issued.json["token"].string)
            var stream = try await SSEReader.open("http://127.0.0.1:\(port)/events?access_token=\(token)")
            #expect(stream.status == 200)
            _ = try await stream.next()
            try await client.send(.patch, "/agents/w1", json: #"{"container": {"env": {"SECRET": "env-secret-2"}}}"#)

            let lines = store.lines
            for secret in ["full-token-0815", token, "payload-secret-1234", "env-secret-4711", "env-secret-2"] {
                #expect(!lines.contains { $0.contains(secret) }, "\(secret) was logged")
            }
            let requests = store.entries.filter { $0.message == "request" }
            let events = try #require(requests.first { $0.text("http.path") == "/events" })
            #expect(events.text("http.method") == "GET")
            #expect(events.text("http.status") == "200")
            #expect(events.text("http.duration_ms").flatMap(Double.init) != nil)
            #expect(requests.contains { $0.text("http.path") == "/agents" && $0.text("http.status") == "201" })
        }
    }
}
