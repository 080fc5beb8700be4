import Foundation
import Hummingbird
import NIOCore

/// Reading JSON request bodies: at most 1 MiB, parsed strictly (see `Problem` for how failures answer).
enum RequestJSON {
    /// The largest body the API reads; more is answered with 413.
    static let maximumBody = 1 << 20

    /// Reads and decodes the body; an empty body is malformed JSON.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        let data = try await body(of: request)
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
