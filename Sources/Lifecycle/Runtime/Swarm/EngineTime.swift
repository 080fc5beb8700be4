import Foundation

/// Engine timestamps (RFC 3339 with up to nanosecond digits, `2026-01-02T03:04:05.123456789Z`) as nanoseconds
/// since the Unix epoch, the unit of `ContainerEvent.Timestamp`.
enum EngineTime {
    static func nanoseconds(_ text: String) -> ContainerEvent.Timestamp? {
        guard text.hasSuffix("Z") else { return nil }
        let body = text.dropLast()
        let parts = body.split(separator: ".", maxSplits: 1)
        guard let whole = parts.first, let date = try? Date(String(whole) + "Z", strategy: .iso8601) else {
            return nil
        }
        var fraction: Int64 = 0
        if parts.count == 2 {
            let digits = parts[1].prefix(9)
            guard let value = Int64(digits), digits.allSatisfy(\.isNumber) else { return nil }
            fraction = value * Int64(pow(10, Double(9 - digits.count)))
        }
        // Whole seconds first, so the Double's rounding never touches the nanoseconds.
        return Int64(date.timeIntervalSince1970.rounded()) * 1_000_000_000 + fraction
    }
}
