import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Asks a background watcher's `GET /health`: `watch start` (is it up yet?) and `watch status` (its figures).
package enum WatchHealthProbe {
    /// One answer: the HTTP status (200 ok, 503 degraded) and the document, when it decoded.
    package struct Answer: Sendable {
        package var status: Int
        package var body: Data
        package var health: WatchHealthController.Health? {
            try? JSONDecoder().decode(WatchHealthController.Health.self, from: body)
        }
    }

    /// The URL of the health route of a listener bound to `host:port`; a wildcard bind is asked on loopback.
    package static func url(host: String, port: Int) -> String {
        let reachable = host == "0.0.0.0" || host.isEmpty ? "127.0.0.1" : host == "::" ? "::1" : host
        let bracketed = reachable.contains(":") && !reachable.hasPrefix("[") ? "[\(reachable)]" : reachable
        return "http://\(bracketed):\(port)/health"
    }

    package static func fetch(host: String, port: Int, timeout: Duration = .seconds(2)) async throws -> Answer {
        let request = HTTPClientRequest(url: url(host: host, port: port))
        let response = try await HTTPClient.shared.execute(
            request, timeout: .nanoseconds(Int64(timeout / .nanoseconds(1))))
        let body = try await response.body.collect(upTo: 1 << 20)
        return Answer(status: Int(response.status.code), body: Data(body.readableBytesView))
    }
}
