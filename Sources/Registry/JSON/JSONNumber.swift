/// A JSON number kept as the literal it was written as (`12345678901234567890`, `1.0`, `-0.0`, `1E+2`), so a
/// payload reaches its worker and its readers byte for byte; typed accessors read its value.
///
/// Two numbers are equal when their literals are: `1.0` and `1` are different payloads.
package struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    /// The literal, valid by the JSON number grammar and finite as a double.
    package let literal: String

    /// A number from its literal; nil when `literal` is not a JSON number or overflows a double (`1e400`).
    package init?(literal: String) {
        let bytes = Array(literal.utf8)
        guard bytes.withUnsafeBufferPointer({ JSONParser.numberEnd(in: $0, from: 0) }) == bytes.count,
            let value = Double(literal), value.isFinite
        else { return nil }
        self.literal = literal
    }

    /// A literal the parser has already checked.
    init(checked literal: String) {
        self.literal = literal
    }

    package init(_ value: Int64) {
        literal = String(value)
    }

    package init(_ value: Int) {
        literal = String(value)
    }

    /// The shortest literal that reads back as `value`; nil for infinities and NaN, which JSON cannot hold.
    package init?(_ value: Double) {
        guard value.isFinite else { return nil }
        if value == value.rounded(), value.magnitude < 9_007_199_254_740_992 {
            literal = value == 0 && value.sign == .minus ? "-0" : String(Int64(value))
        } else {
            literal = "\(value)"
        }
    }

    /// The value as a double (rounded when the literal has more precision than a double holds).
    package var doubleValue: Double { Double(literal) ?? .nan }

    /// The value as an integer when the literal is a whole number within `Int64` (`2`, `2.0`, `2e3`).
    package var int64Value: Int64? {
        if let exact = Int64(literal) { return exact }
        let value = doubleValue
        guard value == value.rounded(), value.magnitude < 9_007_199_254_740_992 else { return nil }
        return Int64(value)
    }

    package var description: String { literal }
}
