import DormouseClient

/// The HTTP edge's settings: the read-only token, the extra `Host` names and the CORS origins.
extension ServerConfiguration {
    /// Reads `DORMOUSE_READ_TOKEN`, `DORMOUSE_ALLOWED_HOSTS` and `DORMOUSE_CORS_ORIGINS`.
    package mutating func readEdge(from environment: [String: String]) throws {
        if let token = environment["DORMOUSE_READ_TOKEN"], !token.isEmpty { readToken = token }
        allowedHosts = try Self.list("DORMOUSE_ALLOWED_HOSTS", environment).map { entry in
            guard entry != "*", let authority = HostAuthority(entry) else {
                throw ConfigurationError(
                    "DORMOUSE_ALLOWED_HOSTS entries must be host or host:port (no wildcard), got \"\(entry)\"")
            }
            return authority
        }
        corsOrigins = try Self.list("DORMOUSE_CORS_ORIGINS", environment).map { entry in
            guard Self.isOrigin(entry) else {
                throw ConfigurationError(
                    "DORMOUSE_CORS_ORIGINS entries must be exact origins such as https://app.example:8443 (no path, no wildcard), got \"\(entry)\""
                )
            }
            return entry
        }
    }

    /// A read-only token only restricts something when there is a full token, and must not be the same.
    package func validateEdge() throws {
        guard let readToken else { return }
        guard let apiToken else {
            throw ConfigurationError(
                "DORMOUSE_READ_TOKEN needs DORMOUSE_API_TOKEN: without it every route is open to anyone, so a read-only token would restrict nothing"
            )
        }
        if readToken == apiToken {
            throw ConfigurationError("DORMOUSE_READ_TOKEN must differ from DORMOUSE_API_TOKEN")
        }
    }

    private static func list(_ name: String, _ environment: [String: String]) -> [String] {
        (environment[name] ?? "").split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
    }

    /// `http://` or `https://` and an authority, nothing after it.
    package static func isOrigin(_ text: String) -> Bool {
        let parts = text.split(separator: "://", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, ["http", "https"].contains(parts[0].lowercased()) else { return false }
        let authority = parts[1].hasSuffix("/") ? parts[1].dropLast() : parts[1]
        return HostAuthority(authority) != nil
    }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
