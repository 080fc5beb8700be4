import Logging
import ServiceLifecycle
import Synchronization

/// The one service-event subscription of a swarm manager, however many Swarm agents: routes each service event
/// to the backend that follows the service (by id or name). When the stream ends or fails it resubscribes with
/// backoff, replaying from the last event seen, and tells every backend to re-read its service, since scales
/// may have been missed in between. Every Docker engine has one, but it subscribes only once a backend follows
/// a service: an engine without Swarm agents keeps no stream open for it.
package final class SwarmServiceMonitor: Service, Sendable {
    private struct State {
        var observers: [ObjectIdentifier: (observer: any SwarmServiceObserver, keys: Set<String>)] = [:]
        var lastEventTime: EngineTimestamp?
        var connected = false
        var subscriptions = 0
    }

    package let services: SwarmServices
    private let clock: any Clock<Duration>
    private let logger: Logger
    private let maximumBackoff: Duration
    private let wallClock: WallClock
    private let state = Mutex(State())
    /// Yields when a backend attaches, so `run` starts subscribing.
    private let attached: (stream: AsyncStream<Void>, continuation: AsyncStream<Void>.Continuation) =
        AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))

    package init(
        services: SwarmServices, clock: any Clock<Duration> = ContinuousClock(), wallClock: WallClock = .system,
        logger: Logger, maximumBackoff: Duration = .seconds(5)
    ) {
        self.services = services
        self.clock = clock
        self.wallClock = wallClock
        self.logger = logger
        self.maximumBackoff = maximumBackoff
    }

    /// Whether the service event stream is connected right now.
    package var isConnected: Bool { state.withLock { $0.connected } }

    /// How many times the stream has been (re)subscribed.
    package var subscriptionCount: Int { state.withLock { $0.subscriptions } }

    /// Routes events of services whose id or name is in `keys` to `observer`; replaces an earlier attachment.
    /// The first attachment sets where the first subscription replays from, so a scale made right after it (before
    /// the stream is up) is still seen.
    func attach(_ observer: any SwarmServiceObserver, matching keys: Set<String>) {
        let now = wallClock.nanosecondsSinceEpoch
        state.withLock { state in
            state.observers[ObjectIdentifier(observer)] = (observer, keys)
            if state.lastEventTime == nil { state.lastEventTime = now }
        }
        attached.continuation.yield()
    }

    func detach(_ observer: any SwarmServiceObserver) {
        _ = state.withLock { $0.observers.removeValue(forKey: ObjectIdentifier(observer)) }
    }

    package func run() async throws {
        // Nothing to follow yet: wait for the first backend (or the end).
        if state.withLock({ $0.lastEventTime == nil }) {
            await cancelWhenGracefulShutdown { for await _ in self.attached.stream { break } }
        }
        var backoff = Duration.milliseconds(100)
        var reconnected = false
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let since = state.withLock { $0.lastEventTime }
            let isReconnect = reconnected
            do {
                try await cancelWhenGracefulShutdown {
                    try await self.consume(self.services.serviceEvents(since: since), reconnected: isReconnect)
                }
                backoff = .milliseconds(100)
            } catch is CancellationError {
                break
            } catch {
                logger.warning("swarm service event stream failed", metadata: ["error": "\(error)"])
            }
            state.withLock { $0.connected = false }
            reconnected = true
            guard !Task.isCancelled && !Task.isShuttingDownGracefully else { break }
            let pause = backoff
            do {
                try await cancelWhenGracefulShutdown { try await self.clock.sleep(for: pause) }
            } catch {
                break
            }
            backoff = min(backoff * 2, maximumBackoff)
        }
        state.withLock { $0.connected = false }
    }

    private func consume(
        _ events: AsyncThrowingStream<SwarmServiceEvent, any Error>, reconnected: Bool
    ) async throws {
        state.withLock { state in
            state.connected = true
            state.subscriptions += 1
        }
        if reconnected {
            for observer in state.withLock({ $0.observers.values.map(\.observer) }) {
                await observer.serviceStreamReconnected()
            }
        }
        for try await event in events {
            let targets = state.withLock { state -> [any SwarmServiceObserver] in
                if let last = state.lastEventTime, event.time < last { return [] }
                state.lastEventTime = event.time
                return state.observers.values.filter { entry in
                    entry.keys.contains(event.serviceID) || event.serviceName.map { entry.keys.contains($0) } == true
                }.map(\.observer)
            }
            for observer in targets { await observer.serviceEvent(event) }
        }
    }
}

/// Receives the service events of the services it follows (a `SwarmWorkerBackend`).
protocol SwarmServiceObserver: AnyObject, Sendable {
    func serviceEvent(_ event: SwarmServiceEvent) async
    func serviceStreamReconnected() async
}
