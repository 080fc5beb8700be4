import Logging
import ServiceLifecycle
import Synchronization

/// The one engine event subscription, however many instances: routes each container event to the instance
/// that owns the container and settles readiness waits. Resubscribes with backoff when the engine goes away,
/// replaying from the last event seen so a reconnect leaves no gap.
public final class ContainerEventMonitor: Service, Sendable {
    private struct Observation {
        var observer: any ContainerEventObserver
        var keys: Set<String>
    }

    private struct State {
        var observations: [ObjectIdentifier: Observation] = [:]
        var lastEventTime: ContainerEvent.Timestamp?
        var connected = false
        var connectWaiters: [CheckedContinuation<Void, Never>] = []
        var subscriptions = 0
        var delivered = 0
        var deliveryWaiters = CountWaiters()
    }

    private let runtime: any ContainerRuntime
    private let clock: any Clock<Duration>
    private let logger: Logger
    private let maximumBackoff: Duration
    private let state = Mutex(State())
    let readiness = ReadinessWaiters()

    /// The first subscription replays from the moment the monitor is made (`wallClock`), so a container
    /// started before the stream is connected (a dispatch right after boot) still has its events seen.
    public init(
        runtime: any ContainerRuntime, clock: any Clock<Duration> = ContinuousClock(), wallClock: WallClock = .system,
        logger: Logger, maximumBackoff: Duration = .seconds(5)
    ) {
        self.runtime = runtime
        self.clock = clock
        self.logger = logger
        self.maximumBackoff = maximumBackoff
        let created = wallClock.nanosecondsSinceEpoch
        state.withLock { $0.lastEventTime = created }
    }

    /// How many times the engine stream has been (re)subscribed; one per connection, however many instances.
    public var subscriptionCount: Int { state.withLock { $0.subscriptions } }

    /// Whether the engine event stream is connected right now.
    public var isConnected: Bool { state.withLock { $0.connected } }

    /// Returns once the event stream is connected (immediately if it is).
    public func waitUntilConnected() async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state in
                if state.connected { return true }
                state.connectWaiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    /// How many engine events have been routed so far.
    public var deliveredCount: Int { state.withLock { $0.delivered } }

    /// Returns once `count` events have been routed to their observers (for status checks and tests).
    public func waitUntilDelivered(_ count: Int) async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state in
                if state.delivered >= count { return true }
                state.deliveryWaiters.add(target: count, continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    /// Routes events whose container id or name is in `keys` to `observer`; replaces an earlier attachment.
    public func attach(_ observer: any ContainerEventObserver, matching keys: Set<String>) {
        state.withLock { $0.observations[ObjectIdentifier(observer)] = Observation(observer: observer, keys: keys) }
    }

    public func detach(_ observer: any ContainerEventObserver) {
        _ = state.withLock { $0.observations.removeValue(forKey: ObjectIdentifier(observer)) }
    }

    public func run() async throws {
        var backoff = Duration.milliseconds(100)
        var hadConnection = false
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let since = state.withLock { $0.lastEventTime }
            let reconnected = hadConnection
            do {
                try await cancelWhenGracefulShutdown {
                    try await self.consume(self.runtime.events(since: since), reconnected: reconnected)
                }
                hadConnection = true
                backoff = .milliseconds(100)
                if Task.isCancelled || Task.isShuttingDownGracefully { break }
                logger.info("engine event stream ended; resubscribing")
            } catch is CancellationError {
                break
            } catch {
                if isConnected { hadConnection = true }
                logger.warning("engine event stream failed", metadata: ["error": "\(error)"])
            }
            markDisconnected()
            guard !Task.isCancelled && !Task.isShuttingDownGracefully else { break }
            try? await clock.sleep(for: backoff)
            backoff = min(backoff * 2, maximumBackoff)
        }
        markDisconnected()
    }

    private func consume(
        _ events: AsyncThrowingStream<ContainerEvent, any Error>, reconnected: Bool
    ) async throws {
        var iterator = events.makeAsyncIterator()
        markConnected()
        if reconnected { await notifyReconnected() }
        while let event = try await iterator.next() {
            let isNew = state.withLock { state -> Bool in
                if let last = state.lastEventTime, event.time < last { return false }
                state.lastEventTime = event.time
                return true
            }
            guard isNew else { continue }
            readiness.deliver(event)
            for observer in observers(for: event) {
                await observer.containerEvent(event)
            }
            markDelivered()
        }
    }

    private func observers(for event: ContainerEvent) -> [any ContainerEventObserver] {
        state.withLock { state in
            state.observations.values.filter { observation in
                observation.keys.contains(event.containerID)
                    || event.containerName.map { observation.keys.contains($0) } == true
            }.map(\.observer)
        }
    }

    private func notifyReconnected() async {
        let all = state.withLock { $0.observations.values.map(\.observer) }
        for observer in all { await observer.engineReconnected() }
    }

    private func markConnected() {
        let waiters = state.withLock { state in
            state.connected = true
            state.subscriptions += 1
            defer { state.connectWaiters = [] }
            return state.connectWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    private func markDelivered() {
        let ready = state.withLock { state in
            state.delivered += 1
            return state.deliveryWaiters.reached(state.delivered)
        }
        for continuation in ready { continuation.resume() }
    }

    private func markDisconnected() {
        state.withLock { $0.connected = false }
    }
}
