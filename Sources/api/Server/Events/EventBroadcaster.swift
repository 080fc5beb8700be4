import NIOCore
import Registry
import ServiceLifecycle

/// Broadcasts committed lifecycle events to the `/events` subscribers: one actor, one bounded stream per
/// subscriber. A subscriber whose buffer is full is cut off (it resumes with `Last-Event-ID`) and never slows
/// the others; every stream ends on graceful shutdown. Sends a heartbeat to every stream each `heartbeat`.
actor EventBroadcaster<C: Clock<Duration>>: Service {
    /// What a subscriber receives.
    enum Element: Sendable, Hashable {
        /// A committed audit row and its SSE frame, rendered once for every subscriber.
        case event(AuditRecord, frame: ByteBuffer)
        case heartbeat
    }

    /// Which events a subscriber wants.
    struct Filter: Sendable, Hashable {
        var instance: String?
        /// Broadcast type names (`container.lazy_started`, ...); nil for all.
        var types: Set<String>?

        func matches(_ record: AuditRecord) -> Bool {
            (instance == nil || instance == record.instance)
                && (types?.contains(EventFrame.broadcastType(of: record.type)) ?? true)
        }
    }

    /// A new subscriber's stream; every row with an id above `liveAfter` arrives on it.
    struct Subscription: Sendable {
        let stream: AsyncStream<Element>
        let liveAfter: Int64
        /// Ends the stream (the subscriber goes away or the server shuts down).
        let end: @Sendable () -> Void
    }

    private struct Subscriber {
        var filter: Filter
        var continuation: AsyncStream<Element>.Continuation
    }

    /// Events a subscriber may have waiting before it is cut off.
    let capacity: Int
    let heartbeat: Duration
    let clock: C
    private var subscribers: [Int: Subscriber] = [:]
    private var nextID = 0
    private var lastPublishedID: Int64
    private var closed = false

    /// `lastEventID` is the newest row already in the audit table when the broadcaster starts.
    init(lastEventID: Int64, clock: C, capacity: Int = 1_024, heartbeat: Duration = .seconds(15)) {
        self.lastPublishedID = lastEventID
        self.clock = clock
        self.capacity = capacity
        self.heartbeat = heartbeat
    }

    /// How many streams are open.
    var subscriberCount: Int { subscribers.count }

    func subscribe(_ filter: Filter) -> Subscription {
        let (stream, continuation) = AsyncStream.makeStream(
            of: Element.self, bufferingPolicy: .bufferingOldest(capacity))
        if closed {
            continuation.finish()
        } else {
            nextID += 1
            subscribers[nextID] = Subscriber(filter: filter, continuation: continuation)
        }
        return Subscription(stream: stream, liveAfter: lastPublishedID, end: { continuation.finish() })
    }

    /// Sends committed rows (in id order) to every subscriber that wants them.
    func publish(_ records: [AuditRecord]) {
        for record in records {
            lastPublishedID = max(lastPublishedID, record.id)
            let element = Element.event(record, frame: ByteBuffer(string: EventFrame.frame(of: record)))
            for (id, subscriber) in subscribers where subscriber.filter.matches(record) {
                deliver(element, to: id, subscriber)
            }
        }
    }

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await self.clock.sleep(for: self.heartbeat)
                await self.beat()
            }
        }
        close()
    }

    private func beat() {
        for (id, subscriber) in subscribers { deliver(.heartbeat, to: id, subscriber) }
    }

    private func deliver(_ element: Element, to id: Int, _ subscriber: Subscriber) {
        switch subscriber.continuation.yield(element) {
        case .enqueued: break
        case .dropped:
            // Too far behind: cut it off rather than buffer without bound or wait for it.
            subscriber.continuation.finish()
            subscribers[id] = nil
        case .terminated: subscribers[id] = nil
        @unknown default: break
        }
    }

    /// Ends every stream; later subscriptions end at once.
    func close() {
        closed = true
        for subscriber in subscribers.values { subscriber.continuation.finish() }
        subscribers = [:]
    }
}
