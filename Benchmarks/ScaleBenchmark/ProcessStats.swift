import Foundation

/// This process's CPU time and resident memory, as the kernel counts them.
enum ProcessStats {
    /// User + system CPU time of the whole process so far (`getrusage(RUSAGE_SELF)`), in seconds.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        guard getrusage(Int32(RUSAGE_SELF.rawValue), &usage) == 0 else { return .nan }
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1_000_000 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// `VmRSS` from `/proc/self/status`, in MiB.
    static func residentMiB() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kib = Double(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        else { return .nan }
        return kib / 1_024
    }

    /// The `p`-th percentile (0...100) of `values`, interpolated between ranks.
    static func percentile(_ values: [Double], _ p: Double) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        let rank = p / 100 * Double(sorted.count - 1)
        let (low, high) = (Int(rank.rounded(.down)), Int(rank.rounded(.up)))
        return sorted[low] + (sorted[high] - sorted[low]) * (rank - Double(low))
    }
}
