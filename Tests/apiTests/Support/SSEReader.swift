import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

@testable import DormouseClient

/// Reads a Server-Sent Events response item by item, over a connection of its own, with the CLI's
/// `EventStreamReader`.
struct SSEReader {
    /// One item of the stream, flattened: an event (`id`, `event`, `data`), a `retry` or a comment.
    struct Frame: Sendable, Hashable {
        var id: String?
        var event: String?
        var data: String?
        var retry: String?
        var comment: String?

        init(_ item: EventStreamReader.Item) {
            switch item {
            case .event(let event): (id, self.event, data) = (event.id, event.type, event.data)
            case .retry(let milliseconds): retry = String(milliseconds)
            case .comment(let text): comment = text
            }
        }
    }

    let status: Int
    let contentType: String?
    private var body: HTTPClientResponse.Body.AsyncIterator
    private var parser = EventStreamReader()
    private var ready: [Frame] = []

    private init(status: Int, contentType: String?, body: HTTPClientResponse.Body.AsyncIterator) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }

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
        while ready.isEmpty {
            guard let chunk = try await body.next() else { return nil }
            ready += parser.feed(chunk.readableBytesView).map(Frame.init)
        }
        return ready.removeFirst()
    }

    /// The next frame that carries an event.
    mutating func nextEvent() async throws -> Frame? {
        while let frame = try await next() {
            if frame.id != nil { return frame }
        }
        return nil
    }
}
