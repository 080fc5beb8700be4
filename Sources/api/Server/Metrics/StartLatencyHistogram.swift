import Lifecycle
import Registry
import Synchronization

/// The start latency of lazy workers as a Prometheus histogram, fed by the lifecycle events.
final class StartLatencyHistogram: LifecycleEventListener {
    private let state = Mutex(Histogram(bounds: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]))

    var reading: Histogram { state.withLock { $0 } }

    func receive(_ event: LifecycleEvent) async {
        // A reconciled start has no measured latency.
        guard case .lazyStart(let latency) = event.kind, event.trigger != .reconcile else { return }
        observe(seconds: latency.seconds)
    }

    func observe(seconds: Double) {
        state.withLock { $0.observe(seconds: seconds) }
    }
}
