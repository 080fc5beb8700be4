import ArgumentParser

/// An age given as a number and a unit: `30d`, `12h`, `90m` or `45s`.
struct PruneAge: ExpressibleByArgument, Sendable {
    let milliseconds: Int64

    init?(argument: String) {
        guard let unit = argument.last, let number = Int64(argument.dropLast()), number > 0 else { return nil }
        let unitMilliseconds: Int64
        switch unit {
        case "d": unitMilliseconds = 86_400_000
        case "h": unitMilliseconds = 3_600_000
        case "m": unitMilliseconds = 60_000
        case "s": unitMilliseconds = 1_000
        default: return nil
        }
        let (product, overflow) = number.multipliedReportingOverflow(by: unitMilliseconds)
        guard !overflow else { return nil }
        milliseconds = product
    }
}
