import Foundation
import Lifecycle
import ServiceLifecycle
import Watcher

/// Carries worker wakes to the chat relay. In `serve --watch` it listens to the registry's lifecycle events
/// (every `lazy_start`, and every `lazy_resume` of a paused worker); in a standalone watch the `WakeStreamFollower` hands it the server's events. Wakes
/// wait in a bounded buffer (newest kept), so the lifecycle listener never waits for the relay.
package struct WakeFeed: LifecycleEventListener, Service {
    private let deliver: @Sendable (WorkerWake) async -> Void
    private let stream: AsyncStream<WorkerWake>
    private let continuation: AsyncStream<WorkerWake>.Continuation

    /// Delivers each wake to `relay`.
    package init(relay: ChatRelay, capacity: Int = 256) {
        self.init(capacity: capacity) { await relay.noteWake($0) }
    }

    /// Delivers each wake to `deliver` (tests record them).
    package init(capacity: Int = 256, deliver: @escaping @Sendable (WorkerWake) async -> Void) {
        self.deliver = deliver
        (stream, continuation) = AsyncStream.makeStream(
            of: WorkerWake.self, bufferingPolicy: .bufferingNewest(capacity))
    }

    /// Queues a wake; returns at once.
    package func note(_ wake: WorkerWake) {
        continuation.yield(wake)
    }

    package func receive(_ event: LifecycleEvent) async {
        let at = Date(timeIntervalSince1970: Double(event.timestampMilliseconds) / 1_000)
        switch event.kind {
        // A reconciled start was found, not waited for: it is no wake.
        case .lazyStart(let latency) where event.trigger != .reconcile:
            note(WorkerWake(instance: event.instance, latency: latency, at: at, kind: .start))
        case .lazyResume(let latency):
            note(WorkerWake(instance: event.instance, latency: latency, at: at, kind: .resume))
        default:
            break
        }
    }

    /// Delivers queued wakes until graceful shutdown.
    package func run() async throws {
        await cancelWhenGracefulShutdown {
            for await wake in stream { await deliver(wake) }
        }
        continuation.finish()
    }
}
