/// Why a JSON document was refused, and at which byte (counted from 0).
///
/// Every refusal but `isTooDeep` is a malformed document (HTTP 400); a document nested too deep is well formed
/// but over a limit (422).
package struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kinds of refusal.
    enum Code: Sendable, Hashable {
        case unexpectedEnd
        case unexpectedCharacter
        case invalidUTF8
        case controlCharacter
        case invalidEscape
        case loneSurrogate
        case invalidNumber
        case numberOutOfRange
        case duplicateKey(String)
        case trailingContent
        case tooDeep(limit: Int)
    }

    let code: Code
    /// The offset of the first byte that is wrong.
    package let offset: Int

    init(_ code: Code, at offset: Int) {
        self.code = code
        self.offset = offset
    }

    /// Nested deeper than the limit: well-formed, but refused.
    package var isTooDeep: Bool {
        if case .tooDeep = code { return true }
        return false
    }

    /// A number too large for a double (`1e400`).
    package var isNumberOutOfRange: Bool { code == .numberOutOfRange }

    /// Invalid UTF-8, or an escape naming half a surrogate pair.
    package var isInvalidText: Bool { code == .invalidUTF8 || code == .loneSurrogate }

    /// What is wrong, without quoting the document (only a duplicate key is named, cut to 64 characters).
    package var reason: String {
        switch code {
        case .unexpectedEnd: "unexpected end of the JSON text"
        case .unexpectedCharacter: "unexpected character"
        case .invalidUTF8: "invalid UTF-8"
        case .controlCharacter: "unescaped control character in a string"
        case .invalidEscape: "invalid escape in a string"
        case .loneSurrogate: "a \\u escape names half of a UTF-16 surrogate pair"
        case .invalidNumber: "invalid number"
        case .numberOutOfRange: "number out of range (it overflows a double)"
        case .duplicateKey(let key): "duplicate key \"\(key.prefix(64))\""
        case .trailingContent: "content after the JSON value"
        case .tooDeep(let limit): "nested deeper than \(limit) levels of arrays and objects (the limit)"
        }
    }

    package var description: String { "\(reason) at byte offset \(offset)" }
}
