import Registry

// Named apart from the tests' own `JSONValue` helpers (`subscript`, `string`, ...) so both can coexist.
extension JSONValue {
    /// The member `key` of an object, or `.null`.
    package func field(_ key: String) -> JSONValue {
        if case .object(let object) = self { return object[key] ?? .null }
        return .null
    }

    package var stringValue: String? {
        if case .string(let string) = self { return string }
        return nil
    }

    package var intValue: Int64? {
        if case .number(let number) = self { return number.int64Value }
        return nil
    }

    package var doubleValue: Double? {
        if case .number(let number) = self { return number.doubleValue }
        return nil
    }

    package var arrayValue: [JSONValue] {
        if case .array(let array) = self { return array }
        return []
    }

    package var isNull: Bool { self == .null }

    /// The value for a table cell: strings bare, null as "—", anything else as compact JSON.
    package var cell: String {
        switch self {
        case .null: "—"
        case .string(let string): string
        case .number(let number): number.literal
        case .bool(let value): value ? "yes" : "no"
        default: jsonText
        }
    }
}
