/// A JSON number kept as the literal it was written as (`12345678901234567890`, `1.0`, `-0.0`, `1E+2`), so a
/// payload reaches its worker and its readers byte for byte; typed accessors read its value.
///
/// Two numbers are equal when their literals are: `1.0` and `1` are different payloads.
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    /// The literal, valid by the JSON number grammar and finite as a double.
    public let literal: String

    /// A number from its literal; nil when `literal` is not a JSON number or overflows a double (`1e400`).
    public init?(literal: String) {
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

    public init(_ value: Int64) {
        literal = String(value)
    }

    public init(_ value: Int) {
        literal = String(value)
    }

    /// The shortest literal that reads back as `value`; nil for infinities and NaN, which JSON cannot hold.
    public init?(_ value: Double) {
        guard value.isFinite else { return nil }
        if value == value.rounded(), value.magnitude < 9_007_199_254_740_992 {
            literal = value == 0 && value.sign == .minus ? "-0" : String(Int64(value))
        } else {
            literal = "\(value)"
        }
    }

    /// The value as a double (rounded when the literal has more precision than a double holds).
    public var doubleValue: Double { Double(literal) ?? .nan }

    /// The value as an integer when the literal is a whole number within `Int64` (`2`, `2.0`, `2e3`).
    public var int64Value: Int64? {
        if let exact = Int64(literal) { return exact }
        let value = doubleValue
        guard value == value.rounded(), value.magnitude < 9_007_199_254_740_992 else { return nil }
        return Int64(value)
    }

    public var description: String { literal }
}
