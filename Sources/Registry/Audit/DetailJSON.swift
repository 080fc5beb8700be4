import Lifecycle

/// Encodes an event's detail (a flat map of strings and numbers) as a JSON object with sorted keys.
/// Written by hand because Foundation's JSONEncoder dominated the cost of an audit write.
enum DetailJSON {
    static func encode(_ detail: [String: LifecycleEventDetailValue]) -> String {
        var json = "{"
        for (index, key) in detail.keys.sorted().enumerated() {
            if index > 0 { json += "," }
            appendString(key, to: &json)
            json += ":"
            switch detail[key]! {
            case .string(let string): appendString(string, to: &json)
            case .number(let number): json += format(number)
            }
        }
        return json + "}"
    }

    /// Whole numbers without a fraction (as JSONEncoder writes them); non-finite numbers, which JSON cannot
    /// hold, as null.
    static func format(_ number: Double) -> String {
        guard number.isFinite else { return "null" }
        if number == number.rounded(), abs(number) < 9_007_199_254_740_992 { return String(Int64(number)) }
        return String(number)
    }

    private static func appendString(_ string: String, to json: inout String) {
        json += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": json += "\\\""
            case "\\": json += "\\\\"
            case "\n": json += "\\n"
            case "\r": json += "\\r"
            case "\t": json += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                json += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: json.unicodeScalars.append(scalar)
            }
        }
        json += "\""
    }
}
