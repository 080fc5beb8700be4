#if canImport(Glibc)
    import Glibc
#endif

/// A forward-only reader over one JSON document's bytes that validates its syntax and decodes only the values
/// asked for; everything else is skipped without allocating. It is far cheaper than `JSONDecoder` for
/// transcript lines, where most bytes (tool output, snapshots) are never needed.
struct JSONReader {
    /// Why a document was rejected.
    struct SyntaxError: Error, Equatable {
        /// The kinds of syntax errors.
        private enum Code: Equatable {
            case unexpectedEnd
            case unexpectedByte
            case tooDeep
        }

        private let code: Code
        static let unexpectedEnd = SyntaxError(code: .unexpectedEnd)
        static let unexpectedByte = SyntaxError(code: .unexpectedByte)
        static let tooDeep = SyntaxError(code: .tooDeep)
    }

    /// The raw bytes of an object key, compared without decoding.
    struct Key {
        let bytes: UnsafeRawBufferPointer

        func `is`(_ name: StaticString) -> Bool {
            guard name.utf8CodeUnitCount == bytes.count else { return false }
            return bytes.elementsEqual(UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        }
    }

    let bytes: UnsafeRawBufferPointer

    /// Visits the members of the root object in one pass (see `forEachMember`); false when the root is not an
    /// object. Throws when the document is not exactly one valid JSON value.
    func forEachRootMember(_ body: (Key, Int) throws -> Int?) throws -> Bool {
        let start = skipWhitespace(0)
        let isObject = self.isObject(start)
        let end = isObject ? try forEachMember(start, body) : try skipValue(start, depth: 0)
        guard skipWhitespace(end) == bytes.count else { throw SyntaxError.unexpectedByte }
        return isObject
    }

    func byte(_ index: Int) -> UInt8? { index < bytes.count ? bytes[index] : nil }

    func skipWhitespace(_ index: Int) -> Int {
        var index = index
        while index < bytes.count,
            bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09
        {
            index += 1
        }
        return index
    }

    /// The index just past the value starting at `index`.
    func skipValue(_ index: Int, depth: Int) throws -> Int {
        guard depth < 256 else { throw SyntaxError.tooDeep }
        guard let first = byte(index) else { throw SyntaxError.unexpectedEnd }
        switch first {
        case UInt8(ascii: "\""): return try skipString(index)
        case UInt8(ascii: "{"): return try forEachMember(index, depth: depth) { _, _ in nil }
        case UInt8(ascii: "["): return try forEachElement(index, depth: depth) { _ in nil }
        case UInt8(ascii: "t"): return try skipLiteral(index, "true")
        case UInt8(ascii: "f"): return try skipLiteral(index, "false")
        case UInt8(ascii: "n"): return try skipLiteral(index, "null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try skipNumber(index)
        default: throw SyntaxError.unexpectedByte
        }
    }

    /// Calls `body` with each member's key and value index of the object at `index`; returns the index past it.
    /// `body` returns the index past the value when it read the value whole, so it is not scanned twice,
    /// or nil to have it skipped.
    @discardableResult
    func forEachMember(_ index: Int, depth: Int = 0, _ body: (Key, Int) throws -> Int?) throws -> Int {
        guard byte(index) == UInt8(ascii: "{") else { throw SyntaxError.unexpectedByte }
        var index = skipWhitespace(index + 1)
        if byte(index) == UInt8(ascii: "}") { return index + 1 }
        while true {
            guard byte(index) == UInt8(ascii: "\"") else { throw SyntaxError.unexpectedByte }
            let keyEnd = try skipString(index)
            let key = Key(bytes: UnsafeRawBufferPointer(rebasing: bytes[(index + 1)..<(keyEnd - 1)]))
            index = skipWhitespace(keyEnd)
            guard byte(index) == UInt8(ascii: ":") else { throw SyntaxError.unexpectedByte }
            let value = skipWhitespace(index + 1)
            let end = try body(key, value)
            index = skipWhitespace(try end ?? skipValue(value, depth: depth + 1))
            switch byte(index) {
            case UInt8(ascii: ","): index = skipWhitespace(index + 1)
            case UInt8(ascii: "}"): return index + 1
            case nil: throw SyntaxError.unexpectedEnd
            default: throw SyntaxError.unexpectedByte
            }
        }
    }

    /// Calls `body` with the index of each element of the array at `index`; returns the index past it.
    /// `body` returns the index past the element when it read it whole, or nil to have it skipped.
    @discardableResult
    func forEachElement(_ index: Int, depth: Int = 0, _ body: (Int) throws -> Int?) throws -> Int {
        guard byte(index) == UInt8(ascii: "[") else { throw SyntaxError.unexpectedByte }
        var index = skipWhitespace(index + 1)
        if byte(index) == UInt8(ascii: "]") { return index + 1 }
        while true {
            let end = try body(index)
            index = skipWhitespace(try end ?? skipValue(index, depth: depth + 1))
            switch byte(index) {
            case UInt8(ascii: ","): index = skipWhitespace(index + 1)
            case UInt8(ascii: "]"): return index + 1
            case nil: throw SyntaxError.unexpectedEnd
            default: throw SyntaxError.unexpectedByte
            }
        }
    }

    func isObject(_ index: Int) -> Bool { byte(index) == UInt8(ascii: "{") }
    func isArray(_ index: Int) -> Bool { byte(index) == UInt8(ascii: "[") }

    /// The index past the string at `index`: finds each quote with memchr and checks it is not escaped.
    func skipString(_ index: Int) throws -> Int {
        guard let base = bytes.baseAddress else { throw SyntaxError.unexpectedEnd }
        var from = index + 1
        while from < bytes.count {
            guard let found = memchr(base + from, 0x22, bytes.count - from) else { break }
            let quote = base.distance(to: UnsafeRawPointer(found))
            var backslashes = 0
            while quote - backslashes - 1 > index, bytes[quote - backslashes - 1] == 0x5C { backslashes += 1 }
            if backslashes % 2 == 0 { return quote + 1 }
            from = quote + 1
        }
        throw SyntaxError.unexpectedEnd
    }

    private func skipLiteral(_ index: Int, _ literal: StaticString) throws -> Int {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw SyntaxError.unexpectedEnd }
        let expected = UnsafeRawBufferPointer(start: literal.utf8Start, count: count)
        guard bytes[index..<(index + count)].elementsEqual(expected) else { throw SyntaxError.unexpectedByte }
        return index + count
    }

    private func skipNumber(_ index: Int) throws -> Int {
        var end = index
        while end < bytes.count {
            switch bytes[end] {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."),
                UInt8(ascii: "e"), UInt8(ascii: "E"):
                end += 1
            default: return end
            }
        }
        return end
    }
}
