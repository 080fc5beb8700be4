import Foundation
import NIOHTTP1
import Testing

@testable import Watcher

/// How Matrix error answers read as `ChatError`s; the shapes are Synapse's (see the Synapse tests for the real
/// answers).
@Suite struct MatrixPosterErrorTests {
    static func failure(
        _ status: Int, _ body: String, headers: HTTPHeaders = [:], operation: MatrixPoster.Operation = .create
    ) throws -> ChatError {
        var error: ChatError?
        try SynapseFreePoster.with { poster in
            error = poster.failure(status: status, headers: headers, body: Data(body.utf8), operation: operation)
        }
        return try #require(error)
    }

    @Test func aRateLimitWaitsWhatTheBodySays() throws {
        let error = try Self.failure(
            429, #"{"errcode":"M_LIMIT_EXCEEDED","error":"Too Many Requests","retry_after_ms":4321}"#,
            headers: ["Retry-After": "5"])
        #expect(error == .rateLimited(retryAfter: .milliseconds(4321)))
    }

    @Test func aRateLimitWithoutABodyWaitsWhatTheHeaderSays() throws {
        #expect(try Self.failure(429, "", headers: ["Retry-After": "2"]) == .rateLimited(retryAfter: .seconds(2)))
        #expect(try Self.failure(429, "") == .rateLimited(retryAfter: nil))
        let absurd = try Self.failure(429, #"{"retry_after_ms":999999999999}"#)
        #expect(absurd.retryAfter == .seconds(3600))
    }

    @Test func anUnknownTokenIsUnauthorizedAndTheTokenNeverShows() throws {
        let error = try Self.failure(401, #"{"errcode":"M_UNKNOWN_TOKEN","error":"bad"}"#)
        #expect(error == .unauthorized(detail: "M_UNKNOWN_TOKEN"))
        let echoed = try Self.failure(403, #"{"errcode":"X_secret-token"}"#)
        #expect(!echoed.description.contains("secret-token"), "\(echoed)")
    }

    @Test func forbiddenIsRejectedWithItsErrcode() throws {
        let error = try Self.failure(403, #"{"errcode":"M_FORBIDDEN","error":"not in room"}"#)
        #expect(error == .rejected(status: 403, detail: "M_FORBIDDEN"))
        #expect(!error.isRetryable && !error.needsNewPost)
    }

    @Test func aMissingOriginalMeansANewPostOnlyForAnEdit() throws {
        let body = #"{"errcode":"M_NOT_FOUND"}"#
        #expect(try Self.failure(404, body, operation: .edit).needsNewPost)
        #expect(try Self.failure(404, body, operation: .lookup) == .rejected(status: 404, detail: "M_NOT_FOUND"))
    }

    @Test func serverErrorsAreRetryable() throws {
        let error = try Self.failure(502, "<html>bad gateway</html>")
        #expect(error == .server(status: 502, detail: "HTTP 502"))
        #expect(error.isRetryable && error.isServerFailure)
    }
}
