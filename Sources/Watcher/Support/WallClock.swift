import Foundation

/// Wall-clock time (what `Date()` would say), injectable so tests can pin it. The same shape as Lifecycle's
/// `WallClock`: the Watcher does not depend on Lifecycle, and there is no shared module to hold one copy.
package struct WallClock: Sendable {
    private let read: @Sendable () -> Int64

    /// A clock reading nanoseconds since the Unix epoch from `read`.
    package init(nanosecondsSinceEpoch read: @escaping @Sendable () -> Int64) {
        self.read = read
    }

    /// The system's clock.
    package static let system = WallClock {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
    }

    package var nanosecondsSinceEpoch: Int64 { read() }
    package var millisecondsSinceEpoch: Int64 { read() / 1_000_000 }

    /// The current reading as a `Date`.
    package var date: Date { Date(timeIntervalSince1970: Double(read()) / 1_000_000_000) }
}
