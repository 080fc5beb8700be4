import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// One Web API call and how its answer reads: `{ok: true, ...}` decoded, anything else a `ChatError`.
extension SlackPoster {
    /// What a call is for: `message_not_found` means "the post is gone" only for an edit.
    enum Operation: Sendable {
        case create
        case edit
        case lookup
    }

    /// The largest response body read; a history page of 200 long messages is a few MiB.
    static let responseLimit = 32 * 1024 * 1024

    /// POSTs `json` to `method` (`application/json; charset=utf-8`) and decodes a successful answer.
    func call<Response: Decodable>(
        _ method: String, json: some Encodable, operation: Operation
    ) async throws(ChatError) -> Response {
        // Encoding plain strings and string maps cannot fail.
        let body = ByteBuffer(bytes: (try? JSONEncoder().encode(json)) ?? Data("{}".utf8))
        return try await call(method, request: .POST, url: "\(apiURL)/\(method)", body: body, operation: operation)
    }

    /// GETs `method` with `query` as URL parameters (the form the read methods document) and decodes the answer.
    func call<Response: Decodable>(
        _ method: String, query: [(String, String)], operation: Operation
    ) async throws(ChatError) -> Response {
        let parameters = query.map { "\($0.0)=\(Self.escaped($0.1))" }.joined(separator: "&")
        return try await call(
            method, request: .GET, url: "\(apiURL)/\(method)?\(parameters)", body: nil, operation: operation)
    }

    private func call<Response: Decodable>(
        _ method: String, request: HTTPMethod, url: String, body: ByteBuffer?, operation: Operation
    ) async throws(ChatError) -> Response {
        var metadata: Logger.Metadata = ["http.method": "\(request.rawValue)", "slack.method": "\(method)"]
        do throws(ChatError) {
            let answer = try await perform(request, url: url, body: body)
            metadata["http.status"] = "\(answer.status)"
            let value: Response = try Self.decode(
                status: answer.status, headers: answer.headers, body: answer.body,
                operation: operation)
            logger.debug("slack request", metadata: metadata)
            return value
        } catch {
            metadata["chat.error"] = "\(error)"
            logger.info("slack request failed", metadata: metadata)
            throw error
        }
    }

    /// A successful answer as `Response`; every failure (HTTP status, `ok: false`, unreadable body) as `ChatError`.
    static func decode<Response: Decodable>(
        status: Int, headers: HTTPHeaders, body: Data, operation: Operation
    ) throws(ChatError) -> Response {
        let envelope = try? JSONDecoder().decode(SlackWire.Envelope.self, from: body)
        guard (200..<300).contains(status), let envelope, envelope.ok else {
            throw failure(status: status, headers: headers, envelope: envelope, operation: operation)
        }
        guard let value = try? JSONDecoder().decode(Response.self, from: body) else {
            throw ChatError.server(status: status, detail: "unreadable response body")
        }
        return value
    }

    /// The status, headers and whole body of one request; transport failures are `.network`.
    private func perform(
        _ method: HTTPMethod, url: String, body: ByteBuffer?
    ) async throws(ChatError) -> (status: Int, headers: HTTPHeaders, body: Data) {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "dormouse")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
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

    /// `text` with the token blanked out, for anything that ends up in an error or a log line.
    func redacted(_ text: String) -> String { ChatError.redacting(text, token) }

    /// A query value, percent-encoded (RFC 3986 unreserved characters stay as they are).
    static func escaped(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? value
    }

    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")
}
