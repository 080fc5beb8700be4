/// Strings: UTF-8 checked byte by byte, escapes decoded, lone surrogates refused.
extension JSONParser {
    /// Reads the string whose opening quote is at `index`.
    mutating func string() throws(JSONParseError) -> String {
        index += 1
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            // Printable ASCII other than a quote or a backslash, the common case, needs no further look.
            if byte >= 0x20, byte < 0x80, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") {
                index += 1
                continue
            }
            if byte == UInt8(ascii: "\"") {
                index += 1
                // Already checked to be UTF-8, so decoding changes nothing.
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<(index - 1)]), as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") { return try escapedString(from: start) }
            try skipCharacter(byte)
        }
        throw JSONParseError(.unexpectedEnd, at: index)
    }

    /// The slow path, once a backslash is found: the text so far is copied and escapes are decoded.
    private mutating func escapedString(from start: Int) throws(JSONParseError) -> String {
        var text = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return String(decoding: text, as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") {
                try appendEscape(to: &text)
                continue
            }
            let from = index
            try skipCharacter(byte)
            text.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[from..<index]))
        }
        throw JSONParseError(.unexpectedEnd, at: index)
    }

    /// Steps over one unescaped character starting with `byte`.
    private mutating func skipCharacter(_ byte: UInt8) throws(JSONParseError) {
        if byte < 0x20 { throw JSONParseError(.controlCharacter, at: index) }
        if byte < 0x80 {
            index += 1
            return
        }
        guard let length = Self.sequenceLength(in: bytes, at: index) else {
            throw JSONParseError(.invalidUTF8, at: index)
        }
        index += length
    }

    private mutating func appendEscape(to text: inout [UInt8]) throws(JSONParseError) {
        let escapeOffset = index
        guard index + 1 < bytes.count else { throw JSONParseError(.unexpectedEnd, at: bytes.count) }
        let escaped = bytes[index + 1]
        index += 2
        switch escaped {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): text.append(escaped)
        case UInt8(ascii: "b"): text.append(0x08)
        case UInt8(ascii: "f"): text.append(0x0C)
        case UInt8(ascii: "n"): text.append(0x0A)
        case UInt8(ascii: "r"): text.append(0x0D)
        case UInt8(ascii: "t"): text.append(0x09)
        case UInt8(ascii: "u"):
            let scalar = try unicodeEscape(at: escapeOffset)
            text.append(contentsOf: String(Character(scalar)).utf8)
        default:
            throw JSONParseError(.invalidEscape, at: escapeOffset)
        }
    }

    /// The scalar a `\uXXXX` escape names (after the `\u`), joining a surrogate pair written as two escapes.
    private mutating func unicodeEscape(at escapeOffset: Int) throws(JSONParseError) -> Unicode.Scalar {
        let first = try hexQuad(escapeOffset)
        switch first {
        case 0xD800..<0xDC00:
            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
            else { throw JSONParseError(.loneSurrogate, at: escapeOffset) }
            let secondOffset = index
            index += 2
            let second = try hexQuad(secondOffset)
            guard (0xDC00..<0xE000).contains(second) else { throw JSONParseError(.loneSurrogate, at: escapeOffset) }
            // A high and a low surrogate always make a valid scalar.
            return Unicode.Scalar(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)) ?? "\u{FFFD}"
        case 0xDC00..<0xE000:
            throw JSONParseError(.loneSurrogate, at: escapeOffset)
        default:
            return Unicode.Scalar(first) ?? "\u{FFFD}"
        }
    }

    /// Four hex digits at `index`.
    private mutating func hexQuad(_ escapeOffset: Int) throws(JSONParseError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw JSONParseError(.unexpectedEnd, at: bytes.count) }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw JSONParseError(.invalidEscape, at: escapeOffset)
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    /// The length of the valid UTF-8 sequence of two to four bytes starting at `index`, or nil: overlong
    /// forms, encoded surrogates (U+D800–DFFF), code points past U+10FFFF and cut sequences are invalid.
    static func sequenceLength(in bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Int? {
        let lead = bytes[index]
        let length: Int
        var second: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0:
            length = 3
            second = 0xA0...0xBF
        case 0xED:
            length = 3
            second = 0x80...0x9F
        case 0xE1...0xEF: length = 3
        case 0xF0:
            length = 4
            second = 0x90...0xBF
        case 0xF4:
            length = 4
            second = 0x80...0x8F
        case 0xF1...0xF3: length = 4
        default: return nil
        }
        guard index + length <= bytes.count, second.contains(bytes[index + 1]) else { return nil }
        for offset in 2..<length where !(0x80...0xBF).contains(bytes[index + offset]) { return nil }
        return length
    }
}
