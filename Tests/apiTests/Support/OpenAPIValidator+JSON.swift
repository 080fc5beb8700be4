import Foundation

extension OpenAPIValidator {
    /// A parsed JSON value. Parsed by hand because JSONSerialization on Linux hands booleans back as NSNumber,
    /// so `true` and `1` could not be told apart reliably.
    indirect enum JSON: Sendable, Equatable {
        case null
        case bool(Bool)
        case number(Double)
        case string(String)
        case array([JSON])
        case object([String: JSON])

        /// Why a text is not JSON, and the byte offset where that shows.
        struct ParseError: Error, CustomStringConvertible {
            var reason: String
            var offset: Int
            var description: String { "\(reason) at byte \(offset)" }
        }

        static func parse(_ data: Data) throws -> JSON {
            var parser = Parser(bytes: Array(data))
            let value = try parser.value(depth: 0)
            parser.skipWhitespace()
            guard parser.index == parser.bytes.count else { throw parser.error("trailing characters") }
            return value
        }

        /// The member `key` of an object; nil for a missing member or a value that is not an object.
        subscript(key: String) -> JSON? {
            if case .object(let members) = self { members[key] } else { nil }
        }

        /// The JSON Schema type name: null, boolean, number (or integer), string, array or object.
        var typeName: String {
            switch self {
            case .null: "null"
            case .bool: "boolean"
            case .number(let number): number.rounded(.towardZero) == number ? "integer" : "number"
            case .string: "string"
            case .array: "array"
            case .object: "object"
            }
        }

        /// The value as compact JSON text, for failure messages.
        var text: String {
            switch self {
            case .null: "null"
            case .bool(let bool): bool ? "true" : "false"
            case .number(let number):
                number.rounded(.towardZero) == number && abs(number) < 1e15 ? String(Int64(number)) : String(number)
            case .string(let string): "\"" + string.replacingOccurrences(of: "\"", with: "\\\"") + "\""
            case .array(let items): "[" + items.map(\.text).joined(separator: ",") + "]"
            case .object(let members):
                "{"
                    + members.keys.sorted().map { JSON.string($0).text + ":" + members[$0]!.text }.joined(
                        separator: ",")
                    + "}"
            }
        }
    }
}

/// A recursive-descent parser over UTF-8 bytes (RFC 8259); a repeated member name keeps the last value.
private struct Parser {
    let bytes: [UInt8]
    var index = 0

    func error(_ reason: String) -> OpenAPIValidator.JSON.ParseError { .init(reason: reason, offset: index) }

    var next: UInt8? { index < bytes.count ? bytes[index] : nil }

    mutating func skipWhitespace() {
        while let byte = next, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
    }

    mutating func expect(_ character: Unicode.Scalar) throws {
        guard next == UInt8(ascii: character) else { throw error("expected '\(character)'") }
        index += 1
    }

    mutating func value(depth: Int) throws -> OpenAPIValidator.JSON {
        guard depth < 256 else { throw error("nested too deeply") }
        skipWhitespace()
        switch next {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        case nil: throw error("unexpected end of input")
        default: return try number()
        }
    }

    mutating func literal(_ word: String, _ value: OpenAPIValidator.JSON) throws -> OpenAPIValidator.JSON {
        let word = Array(word.utf8)
        guard bytes.count - index >= word.count, Array(bytes[index..<index + word.count]) == word else {
            throw error("unexpected character")
        }
        index += word.count
        return value
    }

    mutating func object(depth: Int) throws -> OpenAPIValidator.JSON {
        index += 1
        var members: [String: OpenAPIValidator.JSON] = [:]
        skipWhitespace()
        if next == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard next == UInt8(ascii: "\"") else { throw error("expected a member name") }
            let key = try string()
            skipWhitespace()
            try expect(":")
            members[key] = try value(depth: depth + 1)
            skipWhitespace()
            guard next == UInt8(ascii: ",") else { break }
            index += 1
        }
        try expect("}")
        return .object(members)
    }

    mutating func array(depth: Int) throws -> OpenAPIValidator.JSON {
        index += 1
        var items: [OpenAPIValidator.JSON] = []
        skipWhitespace()
        if next == UInt8(ascii: "]") {
            index += 1
            return .array(items)
        }
        while true {
            items.append(try value(depth: depth + 1))
            skipWhitespace()
            guard next == UInt8(ascii: ",") else { break }
            index += 1
        }
        try expect("]")
        return .array(items)
    }

    mutating func number() throws -> OpenAPIValidator.JSON {
        let start = index
        if next == UInt8(ascii: "-") { index += 1 }
        if next == UInt8(ascii: "0") {
            index += 1
        } else {
            guard skipDigits() > 0 else { throw error("unexpected character") }
        }
        if next == UInt8(ascii: ".") {
            index += 1
            guard skipDigits() > 0 else { throw error("expected a digit after '.'") }
        }
        if next == UInt8(ascii: "e") || next == UInt8(ascii: "E") {
            index += 1
            if next == UInt8(ascii: "+") || next == UInt8(ascii: "-") { index += 1 }
            guard skipDigits() > 0 else { throw error("expected a digit in the exponent") }
        }
        guard let number = Double(String(decoding: bytes[start..<index], as: UTF8.self)), number.isFinite else {
            throw error("number out of range")
        }
        return .number(number)
    }

    mutating func skipDigits() -> Int {
        let start = index
        while let byte = next, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { index += 1 }
        return index - start
    }

    mutating func string() throws -> String {
        index += 1
        var utf8: [UInt8] = []
        while true {
            guard let byte = next else { throw error("unterminated string") }
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let string = String(bytes: utf8, encoding: .utf8) else { throw error("invalid UTF-8") }
                return string
            case UInt8(ascii: "\\"): utf8.append(contentsOf: try escape())
            case ..<0x20: throw error("control character in string")
            default: utf8.append(byte)
            }
        }
    }

    /// The UTF-8 bytes of the escape sequence after a backslash.
    mutating func escape() throws -> [UInt8] {
        guard let byte = next else { throw error("unterminated string") }
        index += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): return [byte]
        case UInt8(ascii: "b"): return [0x08]
        case UInt8(ascii: "f"): return [0x0C]
        case UInt8(ascii: "n"): return [0x0A]
        case UInt8(ascii: "r"): return [0x0D]
        case UInt8(ascii: "t"): return [0x09]
        case UInt8(ascii: "u"): return Array(String(try unicodeEscape()).utf8)
        default: throw error("invalid escape")
        }
    }

    /// `\uXXXX`, joining a UTF-16 surrogate pair into one scalar.
    mutating func unicodeEscape() throws -> Unicode.Scalar {
        let high = try hexQuad()
        if (0xD800..<0xDC00).contains(high) {
            guard next == UInt8(ascii: "\\"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "u") else {
                throw error("unpaired surrogate")
            }
            index += 2
            let low = try hexQuad()
            guard (0xDC00..<0xE000).contains(low) else { throw error("unpaired surrogate") }
            return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))!
        }
        guard let scalar = Unicode.Scalar(high) else { throw error("unpaired surrogate") }
        return scalar
    }

    mutating func hexQuad() throws -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = next, let digit = Character(Unicode.Scalar(byte)).hexDigitValue else {
                throw error("invalid \\u escape")
            }
            value = (value << 4) + UInt32(digit)
            index += 1
        }
        return value
    }
}
