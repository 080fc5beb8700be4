import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// One request to the REST API and how its failures read as `ChatError`s.
extension MattermostPoster {
    /// What a request is for: a 403 or some 400s mean "the post is gone" only for an edit.
    enum Operation: Sendable {
        case create
        case edit
        case lookup
    }

    /// The AppError id of an edit past `ServiceSettings.PostEditTimeLimit` (api4/post.go, `postPatchChecks`).
    static let editTimeLimitID = "api.post.update_post.permissions_time_limit.app_error"
    /// AppError ids of an edit whose post was deleted or vanished between the checks (app/post.go, `UpdatePost`).
    static let postGoneIDs: Set<String> = [
        "api.post.update_post.permissions_details.app_error", "api.post.update_post.find.app_error",
    ]
    /// The largest response body read; a channel page of 200 long posts is a few MiB.
    static let responseLimit = 32 * 1024 * 1024
    /// The longest `Retry-After` honoured, so a hostile or broken header cannot park the relay for days.
    static let maxRetryAfterSeconds = 3600.0

    /// Sends `json` and decodes a 2xx answer as `Response`.
    func send<Response: Decodable>(
        _ method: HTTPMethod, _ path: String, json: some Encodable, operation: Operation
    ) async throws(ChatError) -> Response {
        // Encoding plain strings and string maps cannot fail.
        let body = ByteBuffer(bytes: (try? JSONEncoder().encode(json)) ?? Data("{}".utf8))
        return try await send(method, path, body: body, operation: operation)
    }

    /// Sends a request without a body and decodes a 2xx answer as `Response`.
    func send<Response: Decodable>(
        _ method: HTTPMethod, _ path: String, operation: Operation
    ) async throws(ChatError) -> Response {
        try await send(method, path, body: nil, operation: operation)
    }

    private func send<Response: Decodable>(
        _ method: HTTPMethod, _ path: String, body: ByteBuffer?, operation: Operation
    ) async throws(ChatError) -> Response {
        var metadata: Logger.Metadata = ["http.method": "\(method.rawValue)", "http.path": "\(path)"]
        let answer: (status: Int, headers: HTTPHeaders, body: Data)
        do {
            answer = try await perform(method, path, body: body)
        } catch {
            metadata["chat.error"] = "\(error)"
            logger.info("mattermost request failed", metadata: metadata)
            throw error
        }
        metadata["http.status"] = "\(answer.status)"
        guard (200..<300).contains(answer.status) else {
            let error = failure(status: answer.status, headers: answer.headers, body: answer.body, operation: operation)
            metadata["chat.error"] = "\(error)"
            logger.info("mattermost request failed", metadata: metadata)
            throw error
        }
        guard let value = try? JSONDecoder().decode(Response.self, from: answer.body) else {
            let error = ChatError.server(status: answer.status, detail: "unreadable response body")
            metadata["chat.error"] = "\(error)"
            logger.info("mattermost request failed", metadata: metadata)
            throw error
        }
        if let post = value as? MattermostWire.Post { metadata["chat.post_id"] = "\(post.id)" }
        logger.debug("mattermost request", metadata: metadata)
        return value
    }

    /// The status, headers and whole body of one request; transport failures are `.network`.
    private func perform(
        _ method: HTTPMethod, _ path: String, body: ByteBuffer?
    ) async throws(ChatError) -> (status: Int, headers: HTTPHeaders, body: Data) {
        var request = HTTPClientRequest(url: apiURL + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "dormouse")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(body)
        }
        do {
            let response = try await httpClient.execute(
                request, timeout: Self.timeAmount(requestTimeout), logger: logger)
            let bytes = try await response.body.collect(upTo: Self.responseLimit)
            return (Int(response.status.code), response.headers, Data(bytes.readableBytesView))
        } catch {
            throw transportFailure(error)
        }
    }

    static func timeAmount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// A refused, reset or timed-out request, described without the token.
    func transportFailure(_ error: any Error) -> ChatError { .transport(error, redacting: token) }

    /// A non-2xx answer as a `ChatError`, with the AppError id as detail when the body is one.
    func failure(status: Int, headers: HTTPHeaders, body: Data, operation: Operation) -> ChatError {
        let errorID = MattermostWire.AppError.id(in: body).map(redacted)
        let detail = errorID ?? "HTTP \(status)"
        switch (status, operation) {
        case (429, _):
            // The rate limiter answers in plain text ("limit exceeded"); only the header says how long to wait.
            return .rateLimited(retryAfter: Self.retryAfter(headers))
        case (401, _):
            return .unauthorized(detail: detail)
        case (500..., _):
            return .server(status: status, detail: detail)
        case (403, .edit), (404, .edit):
            return .postMissing(status: status, detail: detail)
        case (400, .edit) where errorID == Self.editTimeLimitID:
            return .editWindowClosed(detail: detail)
        case (400, .edit) where errorID.map(Self.postGoneIDs.contains) == true:
            return .postMissing(status: status, detail: detail)
        default:
            return .rejected(status: status, detail: detail)
        }
    }

    /// `Retry-After` in seconds (the form Mattermost sends); nil when missing or not a number.
    static func retryAfter(_ headers: HTTPHeaders) -> Duration? {
        guard let text = headers.first(name: "Retry-After")?.trimmingCharacters(in: .whitespaces),
            let seconds = Double(text), seconds.isFinite, seconds >= 0
        else { return nil }
        return .milliseconds(Int64((min(seconds, maxRetryAfterSeconds) * 1000).rounded()))
    }

    /// `text` with the token blanked out, for anything that ends up in an error or a log line.
    func redacted(_ text: String) -> String { ChatError.redacting(text, token) }
}
