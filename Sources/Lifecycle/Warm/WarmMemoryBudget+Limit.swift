/// The budget's limit as the operator sets it: `DORMOUSE_WARM_MEMORY_MB`.
extension WarmMemoryBudget {
    /// The environment variable that sets the limit.
    package static var environmentVariable: String { "DORMOUSE_WARM_MEMORY_MB" }

    /// Bytes in the variable's megabyte: a MiB, the unit `docker stats` shows.
    package static var bytesPerMegabyte: UInt64 { 1024 * 1024 }

    /// The limit in bytes from the variable's value: a whole number of megabytes (MiB); unset or empty means no
    /// limit (nil). `0` is allowed and keeps nothing paused: every worker is stopped as soon as it is paused, which
    /// turns the warm tier into a plain stop on this host without touching any agent. Throws for anything else
    /// (`abc`, `-1`, `1.5`, ` 64`) and for a figure whose bytes do not fit in 64 bits.
    package static func limit(fromEnvironmentValue value: String?) throws -> UInt64? {
        guard let value, !value.isEmpty else { return nil }
        guard value.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
            throw WarmMemoryLimitError(
                "\(environmentVariable) must be a whole number of megabytes (0 keeps nothing paused, unset means no"
                    + " limit), got \"\(value)\"")
        }
        guard let megabytes = UInt64(value),
            case (let bytes, false) = megabytes.multipliedReportingOverflow(by: bytesPerMegabyte)
        else {
            throw WarmMemoryLimitError("\(environmentVariable) is too large to count in bytes, got \"\(value)\"")
        }
        return bytes
    }
}

/// A `DORMOUSE_WARM_MEMORY_MB` value that is not a limit; the message names the variable and the value.
package struct WarmMemoryLimitError: Error, Sendable, Hashable, CustomStringConvertible {
    package let description: String

    init(_ description: String) {
        self.description = description
    }
}
