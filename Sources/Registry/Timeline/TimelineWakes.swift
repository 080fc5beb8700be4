/// Wakes in a window: cold starts and thaws from paused, each with its count and latency percentiles, and the
/// most recent ones.
package struct TimelineWakes: Sendable, Hashable {
    package var cold: Latencies
    package var warm: Latencies
    /// Newest last, at most `recentLimit`.
    package var recent: [TimelineWake]

    package static let recentLimit = 30

    /// How many wakes of a kind, and their median and 95th percentile (nearest rank); nil without wakes.
    package struct Latencies: Sendable, Hashable {
        package var count: Int
        package var p50: Double?
        package var p95: Double?

        init(_ latencies: [Double]) {
            let sorted = latencies.sorted()
            count = sorted.count
            p50 = Self.percentile(0.5, of: sorted)
            p95 = Self.percentile(0.95, of: sorted)
        }

        /// Nearest rank: the smallest value with at least `fraction` of the values at or below it.
        static func percentile(_ fraction: Double, of sorted: [Double]) -> Double? {
            guard !sorted.isEmpty else { return nil }
            let rank = Int((fraction * Double(sorted.count)).rounded(.up))
            return sorted[max(rank, 1) - 1]
        }
    }

    /// Summarizes `wakes`, given oldest first.
    init(_ wakes: [TimelineWake]) {
        cold = Latencies(wakes.filter { $0.kind == .cold }.map(\.latencyMilliseconds))
        warm = Latencies(wakes.filter { $0.kind == .warm }.map(\.latencyMilliseconds))
        recent = Array(wakes.suffix(Self.recentLimit))
    }
}

/// One measured wake.
package struct TimelineWake: Sendable, Hashable {
    package enum Kind: String, Sendable, Hashable {
        /// A start of a stopped container.
        case cold
        /// A thaw of a paused one.
        case warm
    }

    /// The agent that woke.
    package var agent: String
    package var ts: Int64
    package var latencyMilliseconds: Double
    package var kind: Kind
}
