import Lifecycle
import Synchronization

/// The start latency of lazy workers as a Prometheus histogram, fed by the lifecycle events.
final class StartLatencyHistogram: LifecycleEventListener {
    /// Upper bounds of the buckets, in seconds.
    static let bounds: [Double] = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

    struct Reading {
        /// Cumulative counts per bound, then `+Inf`.
        var buckets = [Int](repeating: 0, count: StartLatencyHistogram.bounds.count + 1)
        var sum = 0.0
        var count = 0
    }

    private let state = Mutex(Reading())

    var reading: Reading { state.withLock { $0 } }

    func receive(_ event: LifecycleEvent) async {
        // A reconciled start has no measured latency.
        guard case .lazyStart(let latency) = event.kind, event.trigger != .reconcile else { return }
        observe(seconds: latency.seconds)
    }

    func observe(seconds: Double) {
        state.withLock { reading in
            for (index, bound) in Self.bounds.enumerated() where seconds <= bound { reading.buckets[index] += 1 }
            reading.buckets[Self.bounds.count] += 1
            reading.sum += seconds
            reading.count += 1
        }
    }
}
