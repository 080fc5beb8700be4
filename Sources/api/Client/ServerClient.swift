import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Registry

/// The operator commands' HTTP client: one `HTTPClient` for the whole command, shut down when it ends;
/// error answers become `CLIError`s carrying the problem's `detail`.
package struct ServerClient: Sendable {
    /// A successful answer.
    package struct Reply: Sendable {
        package var status: Int
        package var body: Data

        /// The body as JSON (`.null` when it is not JSON); a task list holds payloads 3 levels down.
        package var json: JSONValue { (try? JSONValue.parse(bytes: body, envelope: 3)) ?? .null }
    }

    /// The request methods the commands use.
    package enum Method: String, Sendable {
        case get = "GET", post = "POST", patch = "PATCH", delete = "DELETE"
    }

    private let http: HTTPClient
    private let baseURL: String
    private let token: String?

    /// A client over an `HTTPClient` the caller owns (and shuts down).
    package init(http: HTTPClient, baseURL: String, token: String?) {
        self.http = http
        self.baseURL = baseURL
        self.token = token
    }

    /// Runs `body` with a client for `configuration`, shutting the HTTP client down afterwards.
    package static func with<T: Sendable>(
        _ configuration: ClientConfiguration, _ body: (ServerClient) async throws -> T
    ) async throws -> T {
        let http = makeHTTPClient()
        let client = ServerClient(http: http, baseURL: configuration.baseURL, token: configuration.apiToken)
        do {
            let result = try await body(client)
            try await http.shutdown()
            return result
        } catch {
            try? await http.shutdown()
            throw error
        }
    }

    /// The commands' HTTP client: a connection attempt that is refused fails the request at once instead of being
    /// retried until the request's deadline (a command reports it, `events --follow` retries at its own pace),
    /// and one that gets no answer gives up after 5 s. No read timeout: a followed stream may be quiet for long.
    package static func makeHTTPClient() -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(5), read: nil)
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// Sends a request to `path` (with its query) and returns a 2xx answer; anything else throws.
    package func send(
        _ method: Method, _ path: String, json: JSONValue? = nil, timeout: Duration = .seconds(60)
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = HTTPMethod(rawValue: method.rawValue)
        request.headers.add(name: "Accept", value: "application/json")
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json.jsonText))
        }
        let response: HTTPClientResponse
        let body: ByteBuffer
        do {
            response = try await http.execute(request, timeout: .nanoseconds(Int64(timeout / .nanoseconds(1))))
            body = try await response.body.collect(upTo: 64 << 20)
        } catch {
            throw CLIError.unreachable(baseURL, Self.describe(error))
        }
        let reply = Reply(status: Int(response.status.code), body: Data(body.readableBytesView))
        guard (200..<300).contains(reply.status) else { throw Self.failure(reply) }
        return reply
    }

    /// Opens a streaming `GET` (the event stream) and returns its body once the server answered 2xx; with
    /// `lastEventID` the server resumes after that event. `timeout` bounds the connect and the answer's head
    /// only (AsyncHTTPClient's deadline ends when the head arrives): the stream itself may last for ever.
    package func openStream(
        _ path: String, lastEventID: String? = nil, timeout: Duration = .seconds(10)
    ) async throws -> HTTPClientResponse.Body {
        var request = HTTPClientRequest(url: baseURL + path)
        request.headers.add(name: "Accept", value: "text/event-stream")
        if let lastEventID { request.headers.add(name: "Last-Event-ID", value: lastEventID) }
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        let response: HTTPClientResponse
        do {
            response = try await http.execute(request, timeout: .nanoseconds(Int64(timeout / .nanoseconds(1))))
        } catch {
            throw CLIError.unreachable(baseURL, Self.describe(error))
        }
        guard (200..<300).contains(Int(response.status.code)) else {
            let body = try await response.body.collect(upTo: 1 << 20)
            throw Self.failure(Reply(status: Int(response.status.code), body: Data(body.readableBytesView)))
        }
        return response.body
    }

    /// The error for a non-2xx answer: the problem's `detail`, else its title or the status line.
    private static func failure(_ reply: Reply) -> CLIError {
        let problem = reply.json
        let detail =
            problem.field("detail").stringValue ?? problem.field("title").stringValue
            ?? HTTPResponseStatus(statusCode: reply.status).reasonPhrase
        let fields = problem.field("errors").arrayValue.compactMap { error -> String? in
            guard let field = error.field("field").stringValue else { return nil }
            return "\(field): \(error.field("message").stringValue ?? "invalid")"
        }
        let message = fields.isEmpty ? detail : ([detail] + fields).joined(separator: "\n  ")
        return .server(status: reply.status, detail: "\(message) (HTTP \(reply.status))")
    }

    private static func describe(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.contains("connectionRefused") || text.contains("Connection refused") { return "connection refused" }
        if text.contains("Timeout") || text.contains("timeout") { return "timed out" }
        return text
    }

    /// `value` escaped for a URL path segment or query value.
    package static func escape(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .urlUnreservedCharacters) ?? value
    }
}

extension CharacterSet {
    /// RFC 3986 unreserved characters: the only ones left as they are in a path segment or query value.
    fileprivate static let urlUnreservedCharacters = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}
