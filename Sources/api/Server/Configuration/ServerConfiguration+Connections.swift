import DormouseClient

extension ServerConfiguration {
    /// `DORMOUSE_HEADER_TIMEOUT_S`, `DORMOUSE_IDLE_TIMEOUT_S` and `DORMOUSE_MAX_CONNECTIONS` over the defaults.
    package static func connectionLimits(_ environment: [String: String]) throws -> ConnectionLimits {
        var limits = ConnectionLimits()
        if let seconds = try positiveSeconds("DORMOUSE_HEADER_TIMEOUT_S", environment) {
            limits.headerTimeout = seconds
        }
        if let seconds = try positiveSeconds("DORMOUSE_IDLE_TIMEOUT_S", environment) { limits.idleTimeout = seconds }
        if let text = environment["DORMOUSE_MAX_CONNECTIONS"], !text.isEmpty {
            guard let value = Int(text), value > 0 else {
                throw ConfigurationError("DORMOUSE_MAX_CONNECTIONS must be a positive whole number, got \"\(text)\"")
            }
            limits.maxConnections = value
        }
        return limits
    }

    /// A number of seconds, fractions allowed, from 1 ms to one day.
    static func positiveSeconds(_ name: String, _ environment: [String: String]) throws -> Duration? {
        guard let text = environment[name], !text.isEmpty else { return nil }
        guard let value = Double(text), value >= 0.001, value <= 86_400 else {
            throw ConfigurationError("\(name) must be a number of seconds from 0.001 to 86400, got \"\(text)\"")
        }
        return .milliseconds(Int((value * 1_000).rounded()))
    }
}
