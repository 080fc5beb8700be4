import AsyncHTTPClient
import Foundation
import NIOCore

/// One SSE subscriber of `GET /events` for wakes and idle stops: notes each wake's delay from its write (the
/// event's `ts`) to its arrival here, and counts the stops so the round can wait for them.
actor EventTap {
    private var connected = false
    private var connectWaiters: [CheckedContinuation<Void, Never>] = []
    private(set) var wakeDelays: [Double] = []
    private(set) var wakes = 0
    private(set) var stops = 0
    private var stopWaiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []

    /// Reads the stream until it ends or the task is cancelled.
    func listen(base: String, client: HTTPClient) async throws {
        let types = "container.lazy_started,container.lazy_stopped"
        let response = try await client.execute(
            HTTPClientRequest(url: base + "/events?type=\(types)"), timeout: .hours(2))
        var pending = ""
        for try await chunk in response.body {
            let now = Date().timeIntervalSince1970 * 1_000
            pending += String(buffer: chunk)
            while let end = pending.range(of: "\n\n") {
                let frame = pending[..<end.lowerBound]
                pending.removeSubrange(..<end.upperBound)
                receive(frame, arrivedAt: now)
            }
        }
    }

    /// Returns once the stream is open (its first frame has arrived).
    func waitUntilConnected() async {
        guard !connected else { return }
        await withCheckedContinuation { connectWaiters.append($0) }
    }

    /// Returns once `count` idle stops have arrived in all.
    func waitForStops(_ count: Int) async {
        guard stops < count else { return }
        await withCheckedContinuation { stopWaiters.append((count, $0)) }
    }

    /// Forgets the delays noted so far (the warm-up's).
    func resetDelays() {
        wakeDelays = []
    }

    private func receive(_ frame: Substring, arrivedAt now: Double) {
        if !connected {
            connected = true
            for waiter in connectWaiters { waiter.resume() }
            connectWaiters = []
        }
        let lines = frame.split(separator: "\n")
        guard let event = lines.first(where: { $0.hasPrefix("event: ") })?.dropFirst(7),
            let data = lines.first(where: { $0.hasPrefix("data: ") }),
            let range = data.range(of: "\"ts\":"),
            let ts = Double(data[range.upperBound...].prefix { $0.isNumber })
        else { return }
        if event == "container.lazy_started" {
            wakes += 1
            wakeDelays.append(now - ts)
        } else if event == "container.lazy_stopped" {
            stops += 1
            let ready = stopWaiters.filter { $0.count <= stops }
            stopWaiters.removeAll { $0.count <= stops }
            for waiter in ready { waiter.continuation.resume() }
        }
    }
}
