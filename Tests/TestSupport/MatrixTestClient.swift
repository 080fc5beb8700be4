import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A bare client of the Matrix client-server API for tests: what a reader sees, and the actions of a user (a
/// redaction, a logout), with no Dormouse code in between. JSON is read as `MattermostFakeJSON` values.
package struct MatrixTestClient: Sendable {
    /// One answer: the status and the parsed body.
    package struct Answer: Sendable {
        package let status: Int
        package let json: MattermostFakeJSON?
        package var errcode: String? { json?["errcode"]?.stringValue }
    }

    package let homeserverURL: String
    package let token: String
    package let client: HTTPClient

    package init(homeserverURL: String, token: String, client: HTTPClient) {
        self.homeserverURL = homeserverURL
        self.token = token
        self.client = client
    }

    /// One request under `/_matrix/client/v3`.
    package func request(
        _ method: HTTPMethod, _ path: String, json: MattermostFakeJSON? = nil, version: String = "v3"
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: homeserverURL + "/_matrix/client/\(version)" + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(json)))
        }
        let response = try await client.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 16 * 1024 * 1024)
        return Answer(status: Int(response.status.code), json: MattermostFakeJSON.parse(Data(body.readableBytesView)))
    }

    /// The newest `m.room.message` events of a room, newest first (one page of `/messages`, dir=b).
    package func messages(room: String, limit: Int = 100) async throws -> [MattermostFakeJSON] {
        let filter = Self.escaped(#"{"types":["m.room.message"]}"#)
        let answer = try await request(
            .GET, "/rooms/\(Self.escaped(room))/messages?dir=b&limit=\(limit)&filter=\(filter)")
        return answer.json?["chunk"]?.arrayValue ?? []
    }

    /// Every `m.replace` edit of an event, as `/relations` lists them (newest first).
    package func edits(of eventID: String, room: String) async throws -> [MattermostFakeJSON] {
        var edits: [MattermostFakeJSON] = []
        var from: String?
        repeat {
            var path = "/rooms/\(Self.escaped(room))/relations/\(Self.escaped(eventID))/m.replace?limit=100"
            if let from { path += "&from=\(Self.escaped(from))" }
            // `/relations` is a v1 endpoint (v3 answers 404 M_UNRECOGNIZED).
            let answer = try await request(.GET, path, version: "v1")
            edits += answer.json?["chunk"]?.arrayValue ?? []
            from = answer.json?["next_batch"]?.stringValue
        } while from != nil
        return edits
    }

    /// One event as the server returns it to this user.
    package func event(_ eventID: String, room: String) async throws -> Answer {
        try await request(.GET, "/rooms/\(Self.escaped(room))/event/\(Self.escaped(eventID))")
    }

    /// Redacts an event (a user deleting a message).
    package func redact(_ eventID: String, room: String) async throws -> Answer {
        try await request(
            .PUT, "/rooms/\(Self.escaped(room))/redact/\(Self.escaped(eventID))/\(UUID().uuidString)",
            json: .object(["reason": .string("test")]))
    }

    /// Sends any message content, with a fresh transaction id.
    package func send(_ content: MattermostFakeJSON, room: String) async throws -> Answer {
        try await request(
            .PUT, "/rooms/\(Self.escaped(room))/send/m.room.message/\(UUID().uuidString)", json: content)
    }

    /// Revokes this client's token.
    package func logout() async throws -> Answer { try await request(.POST, "/logout", json: .object([:])) }

    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")

    /// A path segment or query value, percent-escaped.
    package static func escaped(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }
}
