import Foundation

/// The server's own account of its time per task: the `dormouse_task_overhead_seconds` histogram of `/metrics`.
/// It has none of the engine's noise (the exec is left out), and none of the HTTP either.
struct OverheadReading {
    /// Cumulative counts by upper bound in seconds, `+Inf` last.
    var buckets: [(bound: Double, count: Int)] = []
    var sum = 0.0
    var count = 0

    init(metrics: String) {
        let name = "dormouse_task_overhead_seconds"
        for line in metrics.split(separator: "\n") where line.hasPrefix(name) {
            let parts = line.split(separator: " ")
            guard parts.count == 2, let value = Double(parts[1]) else { continue }
            let series = parts[0]
            if series == "\(name)_sum" {
                sum = value
            } else if series == "\(name)_count" {
                count = Int(value)
            } else if series.hasPrefix("\(name)_bucket{le=\""),
                let bound = Double(series.dropFirst(name.count + 12).dropLast(2))
            {
                buckets.append((bound, Int(value)))
            }
        }
    }

    /// The smallest bucket bound, in milliseconds, that holds at least half of the tasks: p50 is at most this.
    var medianBound: Double? {
        buckets.first { $0.count * 2 >= count }.map { $0.bound * 1000 }
    }

    /// `p50 ≤ X ms, mean Y ms; ≤ 0.5 ms: a, ≤ 1 ms: b, … of n tasks`.
    var summary: String {
        guard count > 0 else { return "no tasks counted" }
        let shares = buckets.filter { $0.bound <= 0.005 }.map { "≤ \($0.bound * 1000) ms: \($0.count)" }
        let median = medianBound.map { "p50 ≤ \($0) ms, " } ?? ""
        return median + String(format: "mean %.3f ms; ", sum / Double(count) * 1000)
            + shares.joined(separator: ", ") + " of \(count) tasks"
    }
}
