import Hummingbird
import HummingbirdTesting
import InMemoryLogging
import Logging
import TestSupport
import Testing

@testable import Server

/// A 500 tells the client nothing of its cause, only a request id; the log holds the cause under that id.
@Suite("Internal errors", .timeLimit(.minutes(1)))
struct InternalErrorTests {
    /// An error whose description carries something the client must never see.
    struct LeakyError: Error, CustomStringConvertible {
        var description: String { "database at /var/lib/secret.sqlite refused: token=s3cr3t" }
    }

    @Test func aFiveHundredNamesARequestIDAndTheLogHoldsTheCause() async throws {
        let (logger, store) = InMemoryLogHandler.logger(level: .trace)
        let router = Router()
        router.addMiddleware { ProblemMiddleware() }
        router.get("/boom") { _, _ -> String in throw LeakyError() }
        let app = Application(router: router, logger: logger)
        try await app.test(.router) { client in
            try await client.execute(uri: "/boom", method: .get) { response in
                #expect(response.status == .internalServerError)
                let body = String(buffer: response.body)
                #expect(!body.contains("s3cr3t") && !body.contains("secret.sqlite"))
                let id = try #require(body.firstMatch(of: /request id ([0-9a-f]{16})/)?.1)
                let logged = try #require(store.entries.first { $0.message == "request failed" })
                #expect(logged.text("http.request_id") == String(id))
                #expect(logged.text("error")?.contains("token=s3cr3t") == true)
            }
        }
    }

    @Test func aKnownServerErrorKeepsItsDetail() async throws {
        let router = Router()
        router.addMiddleware { ProblemMiddleware() }
        router.get("/engine") { _, _ -> String in
            throw Problem(.serviceUnavailable, "engine-unavailable", "the Docker engine does not answer")
        }
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/engine", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(String(buffer: response.body).contains("the Docker engine does not answer"))
            }
        }
    }
}
