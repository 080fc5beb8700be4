import Logging
import ServiceLifecycle
import Synchronization

/// The one engine event subscription, however many instances: routes each container event to the instance
/// that owns the container and settles readiness waits. When the engine goes away it probes it every
/// `probeInterval` and resubscribes the moment it answers, replaying from the last event seen so a reconnect
/// leaves no gap; a subscription that fails while the engine answers is retried with backoff.
package final class ContainerEventMonitor: Service, Sendable {
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
        /// Readiness waits that fall back to `inspect` when the stream drops: reserved, then parked.
        var nextLossWaiter: UInt64 = 0
        var reservedLossWaiters: Set<UInt64> = []
        var cancelledLossWaiters: Set<UInt64> = []
        var lossWaiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
    }

    private let runtime: any ContainerRuntime
    private let clock: any Clock<Duration>
    private let logger: Logger
    private let maximumBackoff: Duration
    /// How often a down engine is probed, and a start confirmed with `inspect` while the stream is down.
    package let probeInterval: Duration
    private let state = Mutex(State())
    let readiness = ReadinessWaiters()

    /// The first subscription replays from the moment the monitor is made (`wallClock`), so a container
    /// started before the stream is connected (a dispatch right after boot) still has its events seen.
    package init(
        runtime: any ContainerRuntime, clock: any Clock<Duration> = ContinuousClock(), wallClock: WallClock = .system,
        logger: Logger, probeInterval: Duration = .milliseconds(100), maximumBackoff: Duration = .seconds(5)
    ) {
        self.runtime = runtime
        self.clock = clock
        self.logger = logger
        self.probeInterval = probeInterval
        self.maximumBackoff = maximumBackoff
        let created = wallClock.nanosecondsSinceEpoch
        state.withLock { $0.lastEventTime = created }
    }

    /// How many times the engine stream has been (re)subscribed; one per connection, however many instances.
    package var subscriptionCount: Int { state.withLock { $0.subscriptions } }

    /// Whether the engine event stream is connected right now.
    package var isConnected: Bool { state.withLock { $0.connected } }

    /// Returns once the event stream is connected (immediately if it is).
    package func waitUntilConnected() async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state in
                if state.connected { return true }
                state.connectWaiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    /// Identifies the current subscription; it changes with every (re)subscription.
    package var subscriptionMark: Int { subscriptionCount }

    /// Returns once the subscription `mark` identifies is no longer connected: at once if the stream is down
    /// or has been replaced since (events may have been lost in between), else when it drops. Returns early
    /// when the calling task is cancelled.
    package func waitUntilStreamLost(since mark: Int) async {
        let id = state.withLock { state in
            state.nextLossWaiter += 1
            state.reservedLossWaiters.insert(state.nextLossWaiter)
            return state.nextLossWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let parked = state.withLock { state in
                    state.reservedLossWaiters.remove(id)
                    let lost = !state.connected || state.subscriptions != mark
                    guard state.cancelledLossWaiters.remove(id) == nil, !lost else { return false }
                    state.lossWaiters[id] = continuation
                    return true
                }
                if !parked { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                if state.reservedLossWaiters.remove(id) != nil { state.cancelledLossWaiters.insert(id) }
                return state.lossWaiters.removeValue(forKey: id)
            }
            waiter?.resume()
        }
    }

    /// How many engine events have been routed so far.
    package var deliveredCount: Int { state.withLock { $0.delivered } }

    /// Returns once `count` events have been routed to their observers (for status checks and tests).
    package func waitUntilDelivered(_ count: Int) async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state in
                if state.delivered >= count { return true }
                state.deliveryWaiters.add(target: count, continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    /// Routes events whose container id or name, or the id of the Swarm service whose task the container runs, is
    /// in `keys` to `observer`; replaces an earlier attachment.
    package func attach(_ observer: any ContainerEventObserver, matching keys: Set<String>) {
        state.withLock { $0.observations[ObjectIdentifier(observer)] = Observation(observer: observer, keys: keys) }
    }

    package func detach(_ observer: any ContainerEventObserver) {
        _ = state.withLock { $0.observations.removeValue(forKey: ObjectIdentifier(observer)) }
    }

    package func run() async throws {
        var backoff = Self.initialBackoff
        // Every subscription but the first has instances re-read their containers: one made after a failed first
        // try too, since their reading at boot may have failed with the engine.
        var firstAttempt = true
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let since = state.withLock { $0.lastEventTime }
            let reconnected = !firstAttempt
            firstAttempt = false
            do {
                try await cancelWhenGracefulShutdown {
                    try await self.consume(self.runtime.events(since: since), reconnected: reconnected)
                }
                backoff = Self.initialBackoff
                if Task.isCancelled || Task.isShuttingDownGracefully { break }
                logger.info("engine event stream ended; resubscribing")
            } catch is CancellationError {
                break
            } catch {
                logger.warning("engine event stream failed", metadata: ["error": "\(error)"])
            }
            markDisconnected()
            guard !Task.isCancelled && !Task.isShuttingDownGracefully else { break }
            do {
                // Waiting out a backoff after an engine restart made the first wake take seconds: an engine that
                // was down is resubscribed as soon as it answers again.
                if try await waitForEngine() {
                    backoff = Self.initialBackoff
                    continue
                }
                // It answers, yet the subscription failed or ended: back off, so a refusing engine is not hammered.
                try await clock.sleep(for: backoff)
            } catch {
                break
            }
            backoff = min(backoff * 2, maximumBackoff)
        }
        markDisconnected()
    }

    private static let initialBackoff = Duration.milliseconds(100)

    /// Probes the engine every `probeInterval` until it answers; returns whether it had to wait. Throws only
    /// when cancelled.
    private func waitForEngine() async throws -> Bool {
        var waited = false
        while true {
            try Task.checkCancellation()
            if (try? await runtime.ping()) != nil { break }
            waited = true
            try await cancelWhenGracefulShutdown { try await self.clock.sleep(for: self.probeInterval) }
        }
        if waited { logger.info("engine answers again; resubscribing to its events") }
        return waited
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
                    || event.swarmServiceID.map { observation.keys.contains($0) } == true
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
        let waiters = state.withLock { state in
            state.connected = false
            defer { state.lossWaiters = [:] }
            return Array(state.lossWaiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }
}
