import Lifecycle
import Registry
import Synchronization

/// The resume latency of paused lazy workers (the warm tier) as a Prometheus histogram, fed by the lifecycle
/// events; its buckets are finer than the start histogram's, since a thaw takes tens of milliseconds.
final class ResumeLatencyHistogram: LifecycleEventListener {
    private let state = Mutex(
        Histogram(bounds: [0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]))

    var reading: Histogram { state.withLock { $0 } }

    func receive(_ event: LifecycleEvent) async {
        guard case .lazyResume(let latency) = event.kind else { return }
        observe(seconds: latency.seconds)
    }

    func observe(seconds: Double) {
        state.withLock { $0.observe(seconds: seconds) }
    }
}
