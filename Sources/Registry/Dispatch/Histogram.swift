/// Observations of a duration, counted in Prometheus histogram buckets (cumulative, then `+Inf`).
package struct Histogram: Sendable, Hashable {
    /// Upper bounds of the buckets, in seconds.
    package let bounds: [Double]
    /// Cumulative counts per bound, then `+Inf` (equal to `count`).
    package private(set) var buckets: [Int]
    package private(set) var sum = 0.0
    package private(set) var count = 0

    package init(bounds: [Double]) {
        self.bounds = bounds
        buckets = [Int](repeating: 0, count: bounds.count + 1)
    }

    package mutating func observe(seconds: Double) {
        for (index, bound) in bounds.enumerated() where seconds <= bound { buckets[index] += 1 }
        buckets[bounds.count] += 1
        sum += seconds
        count += 1
    }
}
