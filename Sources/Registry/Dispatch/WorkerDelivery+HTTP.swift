import AsyncHTTPClient
import Lifecycle
import Logging
import NIOCore
import NIOHTTP1

/// HTTP workers: the payload is POSTed as JSON to the container's address.
extension WorkerDelivery {
    func post(_ task: TaskRecord, to worker: WorkerReach, port: Int, path: String) async throws -> Result {
        let address = try await Self.host(of: worker)
        var request = HTTPClientRequest(url: "http://\(address):\(port)\(path)")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "X-Dormouse-Task-Id", value: task.id)
        request.body = .bytes(ByteBuffer(string: task.payload.jsonText))
        let response = try await sendRetryingUnreached(request)
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

    /// The worker's host: the one it names (a Swarm service), else its container's IP address.
    private static func host(of worker: WorkerReach) async throws -> String {
        if let host = worker.httpHost { return host }
        let status = try await worker.engine().inspect(worker.container)
        guard let address = status.ipAddress else {
            throw ContainerRuntimeError.notReady("container \(status.name) has no IP address to send the task to")
        }
        return address
    }

    /// A worker that was just started may not be reachable yet: it may not listen (the connection is refused),
    /// or the network may not route to it yet (a Swarm service's address before the overlay knows the new task:
    /// the connection attempt times out). In neither case did the request leave, so it is tried again, backing
    /// off from 50 ms to 1 s, until `reachWindow` has passed since the first try; then the last error stands.
    private func sendRetryingUnreached(_ request: HTTPClientRequest) async throws -> HTTPClientResponse {
        let deadline = ContinuousClock.now.advanced(by: reachWindow)
        var delay = Duration.milliseconds(50)
        while true {
            do {
                return try await httpClient.execute(request, timeout: .hours(24))
            } catch {
                guard let reason = Self.unreached(error), ContinuousClock.now.advanced(by: delay) < deadline else {
                    throw error
                }
                logger.debug(
                    "worker not reachable yet; retrying",
                    metadata: ["http.url": "\(request.url)", "reason": "\(reason)"])
                try await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(1))
            }
        }
    }

    /// Why a connection was not made, when the error says the request never left: refused, timed out or no route.
    static func unreached(_ error: any Error) -> String? {
        if let error = error as? HTTPClientError, error == .connectTimeout { return "connect timeout" }
        // NIO reports a failed connect as a connection error whose text names the system's error.
        let text = "\(error)"
        if text.contains("refused") { return "connection refused" }
        if text.contains("No route to host") || text.contains("Network is unreachable") { return "no route" }
        return nil
    }
}
