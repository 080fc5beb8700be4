import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// One request to the client-server API and how its failures read as `ChatError`s.
extension MatrixPoster {
    /// What a request is for: a 404 means "the post is gone" only for an edit.
    enum Operation: Sendable {
        case create
        case edit
        case lookup
    }

    /// The largest response body read: a page of 100 events of up to 64 KiB each.
    static let responseLimit = 16 * 1024 * 1024
    /// The longest wait honoured from a 429, so a hostile or broken answer cannot park the relay for days.
    static let maxRetryAfterSeconds = 3600.0

    /// Sends `json` and decodes a 2xx answer as `Response`.
    func send<Response: Decodable>(
        _ method: HTTPMethod, _ path: String, json: some Encodable, operation: Operation
    ) async throws(ChatError) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        // Encoding strings, booleans and optionals cannot fail.
        let body = ByteBuffer(bytes: (try? encoder.encode(json)) ?? Data("{}".utf8))
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
            logger.info("matrix request failed", metadata: metadata)
            throw error
        }
        metadata["http.status"] = "\(answer.status)"
        guard (200..<300).contains(answer.status) else {
            let error = failure(status: answer.status, headers: answer.headers, body: answer.body, operation: operation)
            metadata["chat.error"] = "\(error)"
            logger.info("matrix request failed", metadata: metadata)
            throw error
        }
        guard let value = try? JSONDecoder().decode(Response.self, from: answer.body) else {
            let error = ChatError.server(status: answer.status, detail: "unreadable response body")
            metadata["chat.error"] = "\(error)"
            logger.info("matrix request failed", metadata: metadata)
            throw error
        }
        if let sent = value as? MatrixWire.SendResponse { metadata["chat.event_id"] = "\(sent.eventID)" }
        logger.debug("matrix request", metadata: metadata)
        return value
    }

    /// The status, headers and whole body of one request; transport failures are `.network`.
    private func perform(
        _ method: HTTPMethod, _ path: String, body: ByteBuffer?
    ) async throws(ChatError) -> (status: Int, headers: HTTPHeaders, body: Data) {
        var request = HTTPClientRequest(url: clientURL + path)
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
                request, timeout: MattermostPoster.timeAmount(requestTimeout), logger: logger)
            let bytes = try await response.body.collect(upTo: Self.responseLimit)
            return (Int(response.status.code), response.headers, Data(bytes.readableBytesView))
        } catch {
            throw transportFailure(error)
        }
    }

    /// A refused, reset or timed-out request, described without the token.
    func transportFailure(_ error: any Error) -> ChatError { .transport(error, redacting: token) }

    /// A non-2xx answer as a `ChatError`, with the Matrix `errcode` as detail when the body has one.
    func failure(status: Int, headers: HTTPHeaders, body: Data, operation: Operation) -> ChatError {
        let error = MatrixWire.ErrorBody.decode(body)
        let detail = error?.errcode.map(redacted) ?? "HTTP \(status)"
        switch (status, operation) {
        case (429, _):
            return .rateLimited(retryAfter: Self.retryAfter(milliseconds: error?.retryAfterMS, headers: headers))
        case (401, _):
            return .unauthorized(detail: detail)
        case (500..., _):
            return .server(status: status, detail: detail)
        case (404, .edit):
            return .postMissing(status: status, detail: detail)
        default:
            // 403 M_FORBIDDEN (not in the room), 404 on an alias, 413 M_TOO_LARGE: the request itself is wrong.
            return .rejected(status: status, detail: detail)
        }
    }

    /// `retry_after_ms` from the body, else `Retry-After` in seconds; nil when neither is a usable number.
    static func retryAfter(milliseconds: Int64?, headers: HTTPHeaders) -> Duration? {
        var seconds: Double?
        if let milliseconds { seconds = Double(milliseconds) / 1000 }
        if seconds == nil, let text = headers.first(name: "Retry-After")?.trimmingCharacters(in: .whitespaces) {
            seconds = Double(text)
        }
        guard let seconds, seconds.isFinite, seconds >= 0 else { return nil }
        return .milliseconds(Int64((min(seconds, maxRetryAfterSeconds) * 1000).rounded()))
    }

    /// `text` with the token blanked out, for anything that ends up in an error or a log line.
    func redacted(_ text: String) -> String { ChatError.redacting(text, token) }
}
