/// Wakes in a window: cold starts and thaws from paused, each with its count and latency percentiles, and the
/// most recent ones.
package struct TimelineWakes: Sendable, Hashable, Encodable {
    package var cold: Latencies
    package var warm: Latencies
    /// Newest last, at most `recentLimit`.
    package var recent: [TimelineWake]

    package static let recentLimit = 30

    /// How many wakes of a kind, and their median and 95th percentile (nearest rank); nil without wakes.
    package struct Latencies: Sendable, Hashable, Encodable {
        package var count: Int
        package var p50: Double?
        package var p95: Double?

        enum CodingKeys: String, CodingKey {
            case count
            case p50 = "p50_ms"
            case p95 = "p95_ms"
        }

        package func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(count, forKey: .count)
            try container.encode(p50, forKey: .p50)
            try container.encode(p95, forKey: .p95)
        }

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
package struct TimelineWake: Sendable, Hashable, Encodable {
    package enum Kind: String, Sendable, Hashable, Encodable {
        /// A start of a stopped container.
        case cold
        /// A thaw of a paused one.
        case warm
    }

    /// The agent, in the fleet's list.
    package var agent: String?
    package var ts: Int64
    package var latencyMilliseconds: Double
    package var kind: Kind

    enum CodingKeys: String, CodingKey {
        case agent, ts, kind
        case latencyMilliseconds = "latency_ms"
    }
}
