import AsyncHTTPClient
import Foundation
import NIOCore
import Synchronization

/// `subscribers` SSE clients on `/events`; each event's delay from its write (its `ts`) to its arrival at
/// every subscriber, and the server's RSS with them connected.
struct EventFanOut {
    let base: String
    let subscribers: Int
    let events: Int

    func run(serverPID: Int32, trigger: @escaping @Sendable () async throws -> Void) async throws {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = subscribers + 16
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        let tally = Tally()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<subscribers {
                group.addTask {
                    try await listen(client: client, tally: tally)
                }
            }
            while tally.connected.load(ordering: .relaxed) < subscribers {
                try await Task.sleep(for: .milliseconds(20))
            }
            print(
                "RSS with \(subscribers) SSE subscribers connected: \(Server.residentMiB(pid: serverPID)) MiB (target ≤ 100 MB)"
            )
            for _ in 0..<events {
                try await trigger()
                try await Task.sleep(for: .milliseconds(50))
            }
            try await group.waitForAll()
        }
        try await client.shutdown()
        let sorted = tally.delays.withLock { $0 }.sorted()
        func at(_ fraction: Double) -> String {
            String(format: "%.1f", sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))])
        }
        print(
            "SSE fan-out, \(subscribers) subscribers × \(events) events: write → arrival p50 \(at(0.5)) ms, "
                + "p99 \(at(0.99)) ms, max \(at(1)) ms (n=\(sorted.count); target p99 ≤ 50 ms)")
    }

    /// Reads frames until `events` events arrived, noting each one's delay from its `ts`.
    private func listen(client: HTTPClient, tally: Tally) async throws {
        let response = try await client.execute(
            HTTPClientRequest(url: base + "/events?instance=fanout"), timeout: .seconds(600))
        var pending = ""
        var seen = 0
        var announced = false
        for try await chunk in response.body {
            let now = Date().timeIntervalSince1970 * 1_000
            pending += String(buffer: chunk)
            while let end = pending.range(of: "\n\n") {
                let frame = pending[..<end.lowerBound]
                pending.removeSubrange(..<end.upperBound)
                if !announced {
                    announced = true
                    tally.connected.add(1, ordering: .relaxed)
                }
                guard let data = frame.split(separator: "\n").first(where: { $0.hasPrefix("data: ") }),
                    let ts = Self.ts(in: data)
                else { continue }
                tally.delays.withLock { $0.append(now - ts) }
                seen += 1
                if seen == events { return }
            }
        }
    }

    private static func ts(in line: Substring) -> Double? {
        guard let range = line.range(of: "\"ts\":") else { return nil }
        return Double(line[range.upperBound...].prefix { $0.isNumber })
    }
}

/// What the subscribers report.
final class Tally: Sendable {
    let connected = Atomic<Int>(0)
    let delays = Mutex<[Double]>([])
}
