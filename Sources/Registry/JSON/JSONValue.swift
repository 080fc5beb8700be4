/// Any JSON value, as a task payload is: kept as given (numbers as written, members in order) and handed on
/// to the worker. Read one with `JSONValue.parse` (strict, linear, depth-limited); write one with `jsonText`.
package enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// A whole number.
    package static func integer(_ value: Int64) -> JSONValue { .number(JSONNumber(value)) }

    /// A number from a double; `null` for infinities and NaN, which JSON cannot hold.
    package static func double(_ value: Double) -> JSONValue { JSONNumber(value).map(JSONValue.number) ?? .null }

    /// An object from a dictionary, keys sorted.
    package static func object(_ dictionary: [String: JSONValue]) -> JSONValue { .object(JSONObject(dictionary)) }

    /// Compact JSON: members in their order, numbers as written, strings with the escapes JSON requires.
    package var jsonText: String {
        var writer = JSONWriter()
        writer.write(self)
        return writer.text
    }

    /// What a worker receives: a string payload as the string itself, anything else as its JSON text.
    package var workerText: String {
        if case .string(let string) = self { return string }
        return jsonText
    }
}
