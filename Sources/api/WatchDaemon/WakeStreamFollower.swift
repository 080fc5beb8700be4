import AsyncHTTPClient
import DormouseClient
import Foundation
import Logging
import Registry
import ServiceLifecycle
import Watcher

/// Follows a Dormouse server's `GET /events?type=container.lazy_started,container.lazy_resumed` stream and hands
/// every wake (a cold start, or a resume from paused) to the wake feed. The first connection starts live (no history); after a drop it reconnects with `Last-Event-ID`,
/// so no wake is lost or repeated, waiting the server's `retry` time (within 250 ms...5 s), doubling to 5 s while attempts fail. Ends on graceful shutdown.
package struct WakeStreamFollower: Service {
    package let source: WatchSettings.WakeSource
    package let httpClient: HTTPClient
    package let feed: WakeFeed
    package let logger: Logger

    /// The backoff after the first failed attempt, and its cap.
    package var firstBackoff: Duration = .milliseconds(250)
    package var maxBackoff: Duration = .seconds(5)
    /// Called each time the stream is open and live (tests await it before causing events).
    package var onConnected: @Sendable () async -> Void = {}

    package init(
        source: WatchSettings.WakeSource, httpClient: HTTPClient, feed: WakeFeed, logger: Logger,
        firstBackoff: Duration = .milliseconds(250), maxBackoff: Duration = .seconds(5),
        onConnected: @escaping @Sendable () async -> Void = {}
    ) {
        self.source = source
        self.httpClient = httpClient
        self.feed = feed
        self.logger = logger
        self.firstBackoff = firstBackoff
        self.maxBackoff = maxBackoff
        self.onConnected = onConnected
    }

    package func run() async throws {
        try? await cancelWhenGracefulShutdown { try await follow() }
    }

    private func follow() async throws {
        let client = ServerClient(http: httpClient, baseURL: source.url, token: source.token)
        let stream = ReconnectingEventStream(
            client: client, path: "/events?type=\(Self.wakeTypes.joined(separator: ","))",
            firstBackoff: firstBackoff, maxBackoff: maxBackoff)
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

    /// The broadcast types that are wakes, and how each woke the worker.
    static let wakeTypes = ["container.lazy_started", "container.lazy_resumed"]

    /// A wake from one event's JSON (`{"type", "instance", "ts", "detail": {"latency_ms"}}`); nil when it is
    /// neither a `container.lazy_started` nor a `container.lazy_resumed` event.
    package static func wake(fromEventJSON text: String) -> WorkerWake? {
        guard let event = try? JSONValue.parse(text), let type = event.field("type").stringValue,
            let instance = event.field("instance").stringValue, let ts = event.field("ts").intValue
        else { return nil }
        let kind: WorkerWake.Kind
        switch type {
        case "container.lazy_started": kind = .start
        case "container.lazy_resumed": kind = .resume
        default: return nil
        }
        let latency = event.field("detail").field("latency_ms").doubleValue ?? 0
        return WorkerWake(
            instance: instance, latency: .milliseconds(latency), at: Date(timeIntervalSince1970: Double(ts) / 1_000),
            kind: kind)
    }
}
