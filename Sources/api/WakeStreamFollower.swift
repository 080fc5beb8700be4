import AsyncHTTPClient
import Foundation
import Logging
import Registry
import ServiceLifecycle
import Watcher

/// Follows a Dormouse server's `GET /events?type=container.lazy_started` stream and hands every wake to the
/// wake feed. The first connection starts live (no history); after a drop it reconnects with `Last-Event-ID`,
/// so no wake is lost or repeated, waiting 250 ms doubling to 5 s between attempts. Ends on graceful shutdown.
struct WakeStreamFollower: Service {
    let source: WatchSettings.WakeSource
    let httpClient: HTTPClient
    let feed: WakeFeed
    let logger: Logger

    /// The backoff after the first failed attempt, and its cap.
    var firstBackoff: Duration = .milliseconds(250)
    var maxBackoff: Duration = .seconds(5)
    /// Called each time the stream is open and live (tests await it before causing events).
    var onConnected: @Sendable () async -> Void = {}

    func run() async throws {
        try? await cancelWhenGracefulShutdown { try await follow() }
    }

    private func follow() async throws {
        let client = CLIClient(http: httpClient, baseURL: source.url, token: source.token)
        var lastID: Int64?
        var backoff = firstBackoff
        var lastProblem: String?
        while !Task.isCancelled {
            do {
                let body = try await client.openStream("/events?type=container.lazy_started", lastEventID: lastID)
                logger.info("following worker wakes", metadata: ["server.url": "\(source.url)"])
                await onConnected()
                backoff = firstBackoff
                lastProblem = nil
                var reader = EventStreamReader()
                for try await chunk in body {
                    for frame in reader.frames(in: chunk) {
                        guard let id = frame.id.flatMap(Int64.init), id > (lastID ?? 0), let data = frame.data else {
                            continue
                        }
                        lastID = id
                        if let wake = Self.wake(fromEventJSON: data) { feed.note(wake) }
                    }
                }
            } catch  where !Task.isCancelled {
                // Logged once per distinct problem, so a server that stays down does not flood the log.
                let problem = String(describing: error)
                if problem != lastProblem {
                    logger.warning(
                        "worker wake stream unavailable, retrying",
                        metadata: ["server.url": "\(source.url)", "error": "\(problem)"])
                    lastProblem = problem
                }
            }
            try await Task.sleep(for: backoff)
            backoff = min(backoff * 2, maxBackoff)
        }
    }

    /// A wake from one event's JSON (`{"type", "instance", "ts", "detail": {"latency_ms"}}`); nil when it is
    /// not a `container.lazy_started` event.
    static func wake(fromEventJSON text: String) -> WorkerWake? {
        guard let event = try? JSONValue.parse(text), event.field("type").stringValue == "container.lazy_started",
            let instance = event.field("instance").stringValue, let ts = event.field("ts").intValue
        else { return nil }
        let latency = event.field("detail").field("latency_ms").doubleValue ?? 0
        return WorkerWake(
            instance: instance, latency: .milliseconds(latency),
            at: Date(timeIntervalSince1970: Double(ts) / 1_000))
    }
}
