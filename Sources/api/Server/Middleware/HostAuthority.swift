/// A `Host` header value or the authority of an `Origin`: a lower-cased host name or address (an IPv6
/// literal keeps its brackets) and the port, if one was written.
package struct HostAuthority: Hashable, Sendable {
    package var host: String
    package var port: Int?

    package init(host: String, port: Int?) {
        self.host = host.lowercased()
        self.port = port
    }

    /// Parses `host`, `host:port`, `[v6]` or `[v6]:port`; a bare IPv6 address (`::1`) is taken as `[::1]`.
    /// Nil for an empty host, a bad port, or characters no host name or address can hold.
    package init?(_ text: some StringProtocol) {
        var host = Substring(text)
        var port: Int?
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return nil }
            let rest = host[host.index(after: close)...]
            host = host[...close]
            if !rest.isEmpty {
                guard rest.hasPrefix(":"), let value = Self.port(rest.dropFirst()) else { return nil }
                port = value
            }
        } else if host.filter({ $0 == ":" }).count > 1 {
            host = "[\(host)]"
        } else if let colon = host.firstIndex(of: ":") {
            guard let value = Self.port(host[host.index(after: colon)...]) else { return nil }
            port = value
            host = host[..<colon]
        }
        guard !host.isEmpty, host.allSatisfy(Self.isHostCharacter) else { return nil }
        self.init(host: String(host), port: port)
    }

    /// The same authority with the port a client leaves out for `scheme` (80 for http, 443 for https).
    package func withDefaultPort(for scheme: String = "http") -> HostAuthority {
        HostAuthority(host: host, port: port ?? (scheme == "https" ? 443 : 80))
    }

    /// How a client writes it: `host` or `host:port`.
    package var text: String { port.map { "\(host):\($0)" } ?? host }

    private static func port(_ digits: Substring) -> Int? {
        guard !digits.isEmpty, digits.count <= 5, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
            let value = Int(digits), (1...65_535).contains(value)
        else { return nil }
        return value
    }

    private static func isHostCharacter(_ character: Character) -> Bool {
        guard character.isASCII else { return false }
        return character.isLetter || character.isNumber || "-._~:[]%".contains(character)
    }
}
