/// A strict, single-pass JSON reader (RFC 8259): every byte is looked at once, so the cost is linear in the
/// size of the document whatever its shape.
///
/// Refused, each with the offset of the offending byte: invalid UTF-8 anywhere (overlong forms, encoded
/// surrogates, code points past U+10FFFF, truncated sequences), `\u` escapes naming a lone surrogate, numbers
/// outside the grammar or overflowing a double, duplicate keys in an object, content after the value, and
/// arrays or objects nested deeper than the limit. Numbers keep their literal text, members their order.
struct JSONParser: ~Copyable {
    let bytes: UnsafeBufferPointer<UInt8>
    /// The deepest nesting accepted, counting the envelope.
    let depthLimit: Int
    /// The limit as reported in errors (the envelope's own levels are not counted there).
    let reportedLimit: Int
    var index = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>, maximumDepth: Int, envelope: Int) {
        self.bytes = bytes
        self.depthLimit = maximumDepth + envelope
        self.reportedLimit = maximumDepth
    }

    /// Reads the one value the document holds.
    mutating func document() throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        let value = try value(depth: 0)
        skipWhitespace()
        guard index == bytes.count else { throw unexpected(.trailingContent) }
        return value
    }

    private mutating func value(depth: Int) throws(JSONParseError) -> JSONValue {
        guard index < bytes.count else { throw JSONParseError(.unexpectedEnd, at: index) }
        switch bytes[index] {
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "{"): return .object(try object(depth: depth + 1))
        case UInt8(ascii: "["): return .array(try array(depth: depth + 1))
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw unexpected(.unexpectedCharacter)
        }
    }

    private mutating func object(depth: Int) throws(JSONParseError) -> JSONObject {
        guard depth <= depthLimit else { throw JSONParseError(.tooDeep(limit: reportedLimit), at: index) }
        index += 1
        var object = JSONObject()
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return object
        }
        while true {
            guard index < bytes.count else { throw JSONParseError(.unexpectedEnd, at: index) }
            guard bytes[index] == UInt8(ascii: "\"") else { throw unexpected(.unexpectedCharacter) }
            let keyOffset = index
            let key = try string()
            skipWhitespace()
            try expect(UInt8(ascii: ":"))
            skipWhitespace()
            guard object.appendNew(key, try value(depth: depth)) else {
                throw JSONParseError(.duplicateKey(key), at: keyOffset)
            }
            skipWhitespace()
            guard index < bytes.count else { throw JSONParseError(.unexpectedEnd, at: index) }
            switch bytes[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"):
                index += 1
                return object
            default: throw unexpected(.unexpectedCharacter)
            }
            skipWhitespace()
        }
    }

    private mutating func array(depth: Int) throws(JSONParseError) -> [JSONValue] {
        guard depth <= depthLimit else { throw JSONParseError(.tooDeep(limit: reportedLimit), at: index) }
        index += 1
        var array: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return array
        }
        while true {
            array.append(try value(depth: depth))
            skipWhitespace()
            guard index < bytes.count else { throw JSONParseError(.unexpectedEnd, at: index) }
            switch bytes[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"):
                index += 1
                return array
            default: throw unexpected(.unexpectedCharacter)
            }
            skipWhitespace()
        }
    }

    private mutating func literal(_ text: StaticString, _ value: JSONValue) throws(JSONParseError) -> JSONValue {
        let count = text.utf8CodeUnitCount
        for offset in 0..<count {
            guard index + offset < bytes.count else { throw JSONParseError(.unexpectedEnd, at: index + offset) }
            guard bytes[index + offset] == text.utf8Start[offset] else {
                index += offset
                throw unexpected(.unexpectedCharacter)
            }
        }
        index += count
        return value
    }

    private mutating func number() throws(JSONParseError) -> JSONNumber {
        let start = index
        guard let end = Self.numberEnd(in: bytes, from: start) else {
            throw JSONParseError(.invalidNumber, at: start)
        }
        index = end
        let literal = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        // Only a literal with an exponent, or with more digits than any finite double has, can overflow.
        if end - start > 308 || bytes[start..<end].contains(where: { $0 | 0x20 == UInt8(ascii: "e") }) {
            guard let value = Double(literal), value.isFinite else {
                throw JSONParseError(.numberOutOfRange, at: start)
            }
        }
        return JSONNumber(checked: literal)
    }

    mutating func expect(_ byte: UInt8) throws(JSONParseError) {
        guard index < bytes.count else { throw JSONParseError(.unexpectedEnd, at: index) }
        guard bytes[index] == byte else { throw unexpected(.unexpectedCharacter) }
        index += 1
    }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    /// The error for the byte at `index`: invalid UTF-8 if it starts no valid sequence, else `code`.
    func unexpected(_ code: JSONParseError.Code) -> JSONParseError {
        if index < bytes.count, bytes[index] >= 0x80, Self.sequenceLength(in: bytes, at: index) == nil {
            return JSONParseError(.invalidUTF8, at: index)
        }
        return JSONParseError(code, at: index)
    }

    /// The index past the number literal at `start`, or nil when it breaks the grammar
    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    static func numberEnd(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var index = start
        func digits() -> Int {
            let first = index
            while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1 }
            return index - first
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count else { return nil }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else if digits() == 0 {
            return nil
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { return nil }
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard digits() > 0 else { return nil }
        }
        // A digit straight after a leading zero (`01`) is not part of any number.
        if index < bytes.count, (0x30...0x39).contains(bytes[index]) { return nil }
        return index
    }
}
