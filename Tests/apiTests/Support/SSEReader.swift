import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Reads a Server-Sent Events response frame by frame, over a connection of its own.
struct SSEReader {
    /// One frame: its fields, or a comment line.
    struct Frame: Sendable, Hashable {
        var id: String?
        var event: String?
        var data: String?
        var retry: String?
        var comment: String?
    }

    let status: Int
    let contentType: String?
    private var body: HTTPClientResponse.Body.AsyncIterator
    private var pending = ""

    /// Opens `GET url` with `headers`.
    static func open(_ url: String, headers: [(String, String)] = []) async throws -> SSEReader {
        var request = HTTPClientRequest(url: url)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await APIClient.wideClient.execute(request, timeout: .seconds(60))
        return SSEReader(
            status: Int(response.status.code), contentType: response.headers.first(name: "content-type"),
            body: response.body.makeAsyncIterator())
    }

    /// The next frame, or nil when the stream ended.
    mutating func next() async throws -> Frame? {
        while true {
            if let end = pending.range(of: "\n\n") {
                let block = String(pending[..<end.lowerBound])
                pending.removeSubrange(..<end.upperBound)
                return Self.parse(block)
            }
            guard let chunk = try await body.next() else { return nil }
            pending += String(buffer: chunk)
        }
    }

    /// The next frame that carries an event.
    mutating func nextEvent() async throws -> Frame? {
        while let frame = try await next() {
            if frame.id != nil { return frame }
        }
        return nil
    }

    private static func parse(_ block: String) -> Frame {
        var frame = Frame()
        for line in block.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix(":") {
                frame.comment = String(line.dropFirst()).trimmingCharacters(in: .whitespaces)
                continue
            }
            let parts = line.split(separator: ":", maxSplits: 1)
            let value = parts.count > 1 ? String(parts[1]).trimmingCharacters(in: .init(charactersIn: " ")) : ""
            switch parts.first {
            case "id": frame.id = value
            case "event": frame.event = value
            case "data": frame.data = value
            case "retry": frame.retry = value
            default: break
            }
        }
        return frame
    }
}
