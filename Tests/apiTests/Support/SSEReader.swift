import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

@testable import api

/// Reads a Server-Sent Events response frame by frame, over a connection of its own, with the CLI's frame
/// parser.
struct SSEReader {
    typealias Frame = EventStreamReader.Frame

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
            ready += parser.frames(in: chunk)
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
