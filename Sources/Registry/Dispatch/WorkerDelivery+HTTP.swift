import AsyncHTTPClient
import Lifecycle
import Logging
import NIOCore
import NIOHTTP1

/// HTTP workers: the payload is POSTed as JSON to the container's address.
extension WorkerDelivery {
    func post(
        _ task: TaskRecord, toContainer container: String, on runtime: any ContainerRuntime, port: Int, path: String
    ) async throws -> Result {
        let status = try await runtime.inspect(container)
        guard let address = status.ipAddress else {
            throw ContainerRuntimeError.notReady("container \(status.name) has no IP address to send the task to")
        }
        var request = HTTPClientRequest(url: "http://\(address):\(port)\(path)")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "X-Dormouse-Task-Id", value: task.id)
        request.body = .bytes(ByteBuffer(string: task.payload.jsonText))
        let response = try await sendRetryingRefusals(request)
        var output = ByteBuffer()
        var truncated = false
        for try await chunk in response.body {
            let room = Self.outputLimit - output.readableBytes
            if chunk.readableBytes > room { truncated = true }
            if room > 0, let kept = chunk.getSlice(at: chunk.readerIndex, length: min(room, chunk.readableBytes)) {
                output.writeImmutableBuffer(kept)
            }
        }
        return Result(
            httpStatus: Int(response.status.code), output: String(decoding: output.readableBytesView, as: UTF8.self),
            outputTruncated: truncated)
    }

    /// A worker that was just started may not listen yet: refused connections are retried for a few seconds.
    private func sendRetryingRefusals(_ request: HTTPClientRequest) async throws -> HTTPClientResponse {
        var delay = Duration.milliseconds(50)
        for _ in 0..<8 {
            do {
                return try await httpClient.execute(request, timeout: .hours(24))
            } catch {
                // NIO reports a refused connect as a connection error whose text names ECONNREFUSED.
                guard "\(error)".contains("refused") else { throw error }
                logger.debug("worker refused the connection; retrying", metadata: ["http.url": "\(request.url)"])
                try await Task.sleep(for: delay)
                delay *= 2
            }
        }
        return try await httpClient.execute(request, timeout: .hours(24))
    }
}
