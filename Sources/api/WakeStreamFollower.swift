import AsyncHTTPClient
import Foundation
import Logging
import Registry
import ServiceLifecycle
import Watcher

/// Follows a Dormouse server's `GET /events?type=container.lazy_started` stream and hands every wake to the
/// wake feed. The first connection starts live (no history); after a drop it reconnects with `Last-Event-ID`,
/// so no wake is lost or repeated, waiting the server's `retry` time (within 250 ms...5 s), doubling to 5 s while attempts fail. Ends on graceful shutdown.
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
        let stream = ReconnectingEventStream(
            client: client, path: "/events?type=container.lazy_started", firstBackoff: firstBackoff,
            maxBackoff: maxBackoff)
        var lastID: Int64 = 0
        var lastProblem: String?
        try await stream.run {
            logger.info("following worker wakes", metadata: ["server.url": "\(source.url)"])
            await onConnected()
            lastProblem = nil
        } shouldReconnect: { failure in
            // Logged once per distinct problem, so a server that stays down does not flood the log.
            if let failure, !Task.isCancelled {
                let problem = String(describing: failure)
                if problem != lastProblem {
                    logger.warning(
                        "worker wake stream unavailable, retrying",
                        metadata: ["server.url": "\(source.url)", "error": "\(problem)"])
                    lastProblem = problem
                }
            }
            return !Task.isCancelled
        } onItem: { item in
            guard case .event(let event) = item, let id = Int64(event.id), id > lastID else { return .proceed }
            lastID = id
            if let wake = Self.wake(fromEventJSON: event.data) { feed.note(wake) }
            return .proceed
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
