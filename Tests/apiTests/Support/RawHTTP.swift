import Foundation
import NIOCore
import NIOPosix

@testable import DormouseClient

/// One HTTP/1.1 exchange written byte for byte over a loopback connection, as a browser or an attacker's
/// script would send it (any `Host`, `Origin`, method or media type), read until the server closes.
struct RawHTTP: Sendable {
    /// A parsed answer.
    struct Reply: Sendable {
        var status: Int
        /// Header names lower-cased; a repeated header keeps its last value.
        var headers: [String: String]
        var body: String

        /// The problem document's `detail`, if the body is one.
        var detail: String? {
            let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
            return object?["detail"] as? String
        }

        /// Whether any header name starts with `access-control-`.
        var hasCORSHeaders: Bool { headers.keys.contains { $0.hasPrefix("access-control-") } }
    }

    let port: Int

    /// Sends `method path` with `headers` (a `Host` of the server's own unless given) and `body`.
    func send(
        _ method: String, _ path: String, headers: [(String, String)] = [], body: String? = nil
    ) async throws -> Reply {
        var lines = ["\(method) \(path) HTTP/1.1"]
        if !headers.contains(where: { $0.0.lowercased() == "host" }) { lines.append("Host: 127.0.0.1:\(port)") }
        lines += headers.map { "\($0.0): \($0.1)" }
        if let body { lines.append("Content-Length: \(body.utf8.count)") }
        lines.append("Connection: close")
        let text = lines.joined(separator: "\r\n") + "\r\n\r\n" + (body ?? "")
        return try Self.parse(try await exchange(text))
    }

    private func exchange(_ request: String) async throws -> String {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: request))
            var response = ByteBuffer()
            for try await var chunk in inbound { response.writeBuffer(&chunk) }
            return String(buffer: response)
        }
    }

    static func parse(_ text: String) throws -> Reply {
        guard let split = text.range(of: "\r\n\r\n") else { throw RawHTTPError("no end of headers in \(text)") }
        let head = text[..<split.lowerBound].components(separatedBy: "\r\n")
        let statusParts = head[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw RawHTTPError(head[0]) }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        var body = String(text[split.upperBound...])
        if headers["transfer-encoding"]?.lowercased() == "chunked" { body = dechunk(body) }
        return Reply(status: status, headers: headers, body: body)
    }

    private static func dechunk(_ text: String) -> String {
        var rest = Substring(text)
        var body = ""
        while let lineEnd = rest.range(of: "\r\n"), let size = Int(rest[..<lineEnd.lowerBound], radix: 16), size > 0 {
            let start = lineEnd.upperBound
            let bytes = Array(rest[start...].utf8.prefix(size))
            body += String(decoding: bytes, as: UTF8.self)
            rest = Substring(String(decoding: Array(rest[start...].utf8.dropFirst(size + 2)), as: UTF8.self))
        }
        return body
    }
}

/// A raw answer that could not be read.
struct RawHTTPError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}

extension APIClient {
    /// Checks a raw answer against the OpenAPI document, as `send` does.
    func validate(_ method: String, _ path: String, _ reply: RawHTTP.Reply) throws {
        try validator.validate(
            method: method, path: path, status: reply.status, contentType: reply.headers["content-type"],
            body: Data(reply.body.utf8))
    }
}
