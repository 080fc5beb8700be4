/// Docker's image reference grammar (`distribution/reference`, as the engine parses a `docker run` image):
/// `[domain[:port]/]path[:tag][@digest]`. A reference the engine would refuse is refused when declared.
enum ImageReference {
    /// Whether `reference` is one the engine accepts: a lowercase path of components such as `library/busybox`,
    /// optionally after a registry host (`registry.example.com:5000/`), with an optional tag (`:1.36`, at most 128
    /// characters) and an optional digest (`@sha256:` and 64 lowercase hex digits; `sha384` and `sha512` too).
    static func isValid(_ reference: String) -> Bool {
        var rest = Substring(reference)
        if let at = rest.firstIndex(of: "@") {
            guard isDigest(rest[rest.index(after: at)...]) else { return false }
            rest = rest[..<at]
        }
        if let colon = rest.lastIndex(of: ":"), !rest[colon...].contains("/") {
            guard isTag(rest[rest.index(after: colon)...]) else { return false }
            rest = rest[..<colon]
        }
        guard !rest.isEmpty, rest.utf8.count <= 255, !isHexIdentifier(rest) else { return false }
        let components = rest.split(separator: "/", omittingEmptySubsequences: false)
        if components.allSatisfy(isPathComponent) { return true }
        return components.count > 1 && isDomain(components[0]) && components.dropFirst().allSatisfy(isPathComponent)
    }

    /// `[a-z0-9]+` runs joined by `.`, `_`, `__` or any number of `-`.
    private static func isPathComponent(_ component: Substring) -> Bool {
        let bytes = Array(component.utf8)
        guard let first = bytes.first, let last = bytes.last, isLowerAlphanumeric(first), isLowerAlphanumeric(last)
        else { return false }
        var separator: [UInt8] = []
        for byte in bytes {
            if isLowerAlphanumeric(byte) {
                guard separator.isEmpty || isSeparator(separator) else { return false }
                separator = []
            } else {
                separator.append(byte)
            }
        }
        return true
    }

    private static func isSeparator(_ run: [UInt8]) -> Bool {
        run == [UInt8(ascii: ".")] || run == [UInt8(ascii: "_")] || run == [UInt8(ascii: "_"), UInt8(ascii: "_")]
            || run.allSatisfy { $0 == UInt8(ascii: "-") }
    }

    /// A host name (dot-separated labels of letters, digits and inner `-`) or a bracketed IPv6 address, with an
    /// optional `:port`.
    private static func isDomain(_ domain: Substring) -> Bool {
        var host = domain
        if let colon = domain.lastIndex(of: ":"), !domain[colon...].contains("]") {
            let port = domain[domain.index(after: colon)...]
            guard !port.isEmpty, port.utf8.allSatisfy(isDigit) else { return false }
            host = domain[..<colon]
        }
        if host.first == "[" {
            let inner = host.dropFirst().dropLast()
            return host.last == "]" && !inner.isEmpty
                && inner.utf8.allSatisfy { isHexDigit($0) || $0 == UInt8(ascii: ":") }
        }
        return host.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            let bytes = Array(label.utf8)
            guard let first = bytes.first, let last = bytes.last, isAlphanumeric(first), isAlphanumeric(last)
            else { return false }
            return bytes.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") }
        }
    }

    /// `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`.
    private static func isTag(_ tag: Substring) -> Bool {
        guard let first = tag.utf8.first, tag.utf8.count <= 128, isAlphanumeric(first) || first == UInt8(ascii: "_")
        else { return false }
        return tag.utf8.allSatisfy {
            isAlphanumeric($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-")
        }
    }

    /// An algorithm the engine knows and its hash in lowercase hex, of that algorithm's length.
    private static func isDigest(_ digest: Substring) -> Bool {
        let lengths: [Substring: Int] = ["sha256": 64, "sha384": 96, "sha512": 128]
        guard let colon = digest.firstIndex(of: ":"), let length = lengths[digest[..<colon]] else { return false }
        let hex = digest[digest.index(after: colon)...]
        return hex.utf8.count == length && hex.utf8.allSatisfy(isLowerHexDigit)
    }

    /// The engine refuses a name that is 64 lowercase hex digits: it would read as an image id.
    private static func isHexIdentifier(_ name: Substring) -> Bool {
        name.utf8.count == 64 && name.utf8.allSatisfy(isLowerHexDigit)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

    private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        isDigit(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        isLowerAlphanumeric(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }

    private static func isLowerHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        isLowerHexDigit(byte) || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
    }
}
