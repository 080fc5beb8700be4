import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// The server's REST API as the benchmark calls it.
struct ScaleAPI: Sendable {
    let base: String
    let client: HTTPClient

    /// Sends a request and reads the whole answer; another status than `expect` is an error.
    @discardableResult
    func call(_ method: HTTPMethod, _ path: String, _ body: String? = nil, expect status: Int) async throws
        -> ByteBuffer
    {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await client.execute(request, timeout: .seconds(120))
        let answer = try await response.body.collect(upTo: 256 << 20)
        guard response.status.code == status else {
            throw BenchmarkError("\(method) \(path): HTTP \(response.status.code): \(String(buffer: answer))")
        }
        return answer
    }
}

/// A failed step of the benchmark.
struct BenchmarkError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
