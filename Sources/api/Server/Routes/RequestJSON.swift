import Foundation
import Hummingbird
import NIOCore
import Registry

/// Reading JSON request bodies: at most 1 MiB, parsed strictly (see `Problem` for how failures answer).
///
/// Every body goes through `JSONValue.parse` first, which is linear in its size and refuses invalid UTF-8,
/// numbers that overflow a double, duplicate keys and nesting past `JSONValue.maximumDepth`, each with the
/// byte offset, before anything reads its fields.
enum RequestJSON {
    /// The largest body the API reads; more is answered with 413.
    static let maximumBody = 1 << 20

    /// Reads the body and parses it strictly; `envelope` levels around the real content are not counted in
    /// the depth limit (a dispatch body's `{"payload": ...}` is one).
    static func parse(_ request: Request, envelope: Int = 0) async throws -> JSONValue {
        let data = try await body(of: request)
        return try JSONValue.parse(bytes: data, envelope: envelope)
    }

    /// Reads the body, checks it strictly, then decodes it (unknown fields and values as `T` says).
    static func decode<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        let data = try await body(of: request)
        _ = try JSONValue.parse(bytes: data)
        return try JSONDecoder().decode(T.self, from: data)
    }

    /// Reads the body as bytes, refusing a body over the limit (checking `Content-Length` first).
    static func body(of request: Request) async throws -> Data {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maximumBody {
            throw NIOTooManyBytesError(maxBytes: maximumBody)
        }
        let buffer = try await request.body.collect(upTo: maximumBody)
        guard buffer.readableBytes > 0 else {
            throw Problem(.badRequest, "malformed-json", "the request needs a JSON body")
        }
        return Data(buffer.readableBytesView)
    }

    /// A response of JSON text made elsewhere.
    static func response(jsonText: String, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        response(jsonBuffer: ByteBuffer(string: jsonText), status: status, headers: headers)
    }

    /// A response of JSON bytes made elsewhere.
    static func response(jsonBuffer: ByteBuffer, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:])
        -> Response
    {
        var headers = headers
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: jsonBuffer))
    }

    /// Encodes `value` as a JSON response.
    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:])
        throws -> Response
    {
        var headers = headers
        headers[.contentType] = "application/json"
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = try encoder.encode(value)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
