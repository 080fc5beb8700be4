import Foundation

/// What one round measured; a child process writes it as JSON for the parent's table.
struct RoundFigures: Codable, Sendable {
    var agents: Int
    var createWallSeconds = Double.nan
    var createCPUSeconds = Double.nan
    var idleRSSMiB = Double.nan
    var listP50 = Double.nan
    var listP95 = Double.nan
    var listBodyKiB = Double.nan
    var listRSSMiB = Double.nan
    var workloadWallSeconds = Double.nan
    /// CPU from the first dispatch to the last answer.
    var dispatchCPUSeconds = Double.nan
    /// CPU from the first dispatch until the idle stops of every wake it caused have arrived.
    var workloadCPUSeconds = Double.nan
    var settleWallSeconds = Double.nan
    var warmDispatchP50 = Double.nan
    var coldDispatchP50 = Double.nan
    var wakes = 0
    var fanOutP50 = Double.nan
    var fanOutP99 = Double.nan
    var fanOutMax = Double.nan
    var fanOutSamples = 0
    var afterRSSMiB = Double.nan

    /// The table's rows: a label, how to print a figure, and the figure.
    static let rows: [(String, String, @Sendable (RoundFigures) -> Double)] = [
        ("create the agents over HTTP: wall", "%.1f s", { $0.createWallSeconds }),
        ("create the agents: process CPU", "%.2f s", { $0.createCPUSeconds }),
        ("  CPU per agent created", "%.3f ms", { $0.createCPUSeconds * 1_000 / Double($0.agents) }),
        ("RSS idle after creation", "%.1f MiB", { $0.idleRSSMiB }),
        ("GET /agents p50", "%.2f ms", { $0.listP50 }),
        ("GET /agents p95", "%.2f ms", { $0.listP95 }),
        ("GET /agents answer size", "%.0f KiB", { $0.listBodyKiB }),
        ("RSS after the GET /agents calls", "%.1f MiB", { $0.listRSSMiB }),
        ("workload: wall until the last answer", "%.2f s", { $0.workloadWallSeconds }),
        ("workload: process CPU until the last answer", "%.2f s", { $0.dispatchCPUSeconds }),
        ("workload: process CPU incl. the idle stops", "%.2f s", { $0.workloadCPUSeconds }),
        ("dispatch round trip p50, warm worker", "%.1f ms", { $0.warmDispatchP50 }),
        ("dispatch round trip p50, waking a worker", "%.1f ms", { $0.coldDispatchP50 }),
        ("wakes seen on /events", "%.0f", { Double($0.wakes) }),
        ("event fan-out p50 (write → SSE arrival)", "%.1f ms", { $0.fanOutP50 }),
        ("event fan-out p99", "%.1f ms", { $0.fanOutP99 }),
        ("event fan-out max", "%.1f ms", { $0.fanOutMax }),
        ("RSS after the workload (stops settled)", "%.1f MiB", { $0.afterRSSMiB }),
    ]

    /// The rows for several rounds side by side, with the ratio of the last to the first.
    static func table(_ rounds: [RoundFigures]) -> String {
        let header =
            ["figure".padding(toLength: 46, withPad: " ", startingAt: 0)]
            + rounds.map { pad("\($0.agents) agents") } + (rounds.count > 1 ? [pad("ratio")] : [])
        var lines = [header.joined(separator: " ")]
        for (label, format, value) in rows {
            var cells = [label.padding(toLength: 46, withPad: " ", startingAt: 0)]
            cells += rounds.map { pad(String(format: format, value($0))) }
            if rounds.count > 1, let first = rounds.first, let last = rounds.last {
                cells.append(pad(String(format: "%.2f×", value(last) / value(first))))
            }
            lines.append(cells.joined(separator: " "))
        }
        return lines.joined(separator: "\n")
    }

    private static func pad(_ text: String) -> String {
        String(repeating: " ", count: max(0, 14 - text.count)) + text
    }
}
