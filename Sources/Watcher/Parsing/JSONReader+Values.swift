extension JSONReader {
    /// The string at `index`, with escapes decoded; nil when the value is not a string.
    func string(_ index: Int) -> String? {
        guard byte(index) == UInt8(ascii: "\""), let end = try? skipString(index) else { return nil }
        let body = UnsafeRawBufferPointer(rebasing: bytes[(index + 1)..<(end - 1)])
        guard body.contains(UInt8(ascii: "\\")) else {
            return String(decoding: body.assumingMemoryBound(to: UInt8.self), as: UTF8.self)
        }
        return Self.unescape(body)
    }

    /// The integer at `index` (a whole number written with a fraction or exponent is accepted).
    func int(_ index: Int) -> Int? {
        guard let value = double(index) else { return nil }
        return value.magnitude < 9e15 ? Int(value) : nil
    }

    func double(_ index: Int) -> Double? {
        guard let first = byte(index), first == UInt8(ascii: "-") || (0x30...0x39).contains(first),
            let end = try? skipValue(index, depth: 0)
        else { return nil }
        return Double(
            String(
                decoding: UnsafeRawBufferPointer(rebasing: bytes[index..<end]).assumingMemoryBound(to: UInt8.self),
                as: UTF8.self))
    }

    func bool(_ index: Int) -> Bool? {
        switch byte(index) {
        case UInt8(ascii: "t"): return true
        case UInt8(ascii: "f"): return false
        default: return nil
        }
    }

    /// A scalar value as text: strings as they are, numbers and booleans as written; nil for the rest.
    func scalarText(_ index: Int) -> String? {
        guard let first = byte(index) else { return nil }
        switch first {
        case UInt8(ascii: "\""): return string(index)
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            guard let end = try? skipValue(index, depth: 0) else { return nil }
            return String(
                decoding: UnsafeRawBufferPointer(rebasing: bytes[index..<end]).assumingMemoryBound(to: UInt8.self),
                as: UTF8.self)
        default: return nil
        }
    }

    /// Top-level scalar members of the object at `index`, each cut to `limit` characters.
    func scalarMembers(_ index: Int, limit: Int = 200) throws -> [String: String] {
        guard isObject(index) else { return [:] }
        var members: [String: String] = [:]
        try forEachMember(index) { key, value in
            if let text = scalarText(value) {
                members[String(decoding: key.bytes.assumingMemoryBound(to: UInt8.self), as: UTF8.self)] = String(
                    text.prefix(limit))
            }
            return nil
        }
        return members
    }

    /// Text of a string value, or the `text` members of an array of blocks joined by newlines.
    func text(_ index: Int) throws -> String {
        if let text = string(index) { return text }
        guard isArray(index) else { return "" }
        var parts: [String] = []
        try forEachElement(index) { element in
            guard isObject(element) else { return nil }
            return try forEachMember(element) { key, value in
                if key.is("text"), let text = string(value) { parts.append(text) }
                return nil
            }
        }
        return parts.joined(separator: "\n")
    }

    private static func unescape(_ body: UnsafeRawBufferPointer) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(body.count)
        var index = 0
        var pendingHigh: UInt32?
        while index < body.count {
            let byte = body[index]
            guard byte == UInt8(ascii: "\\"), index + 1 < body.count else {
                output.append(byte)
                index += 1
                continue
            }
            let escaped = body[index + 1]
            index += 2
            switch escaped {
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "u"):
                guard index + 4 <= body.count,
                    let code = UInt32(
                        String(
                            decoding: UnsafeRawBufferPointer(rebasing: body[index..<(index + 4)]).assumingMemoryBound(
                                to: UInt8.self), as: UTF8.self),
                        radix: 16)
                else { continue }
                index += 4
                if (0xD800..<0xDC00).contains(code) {
                    pendingHigh = code
                    continue
                }
                var scalarValue = code
                if (0xDC00..<0xE000).contains(code), let high = pendingHigh {
                    scalarValue = 0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00)
                }
                pendingHigh = nil
                let scalar = Unicode.Scalar(scalarValue) ?? "\u{FFFD}"
                output.append(contentsOf: Array(String(Character(scalar)).utf8))
            default: output.append(escaped)
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
