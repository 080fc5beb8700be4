import Foundation

/// A JSON value as the Mattermost fake reads request bodies and writes answers (post props are any JSON).
package enum MattermostFakeJSON: Sendable, Hashable, Codable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([MattermostFakeJSON])
    case object([String: MattermostFakeJSON])

    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([MattermostFakeJSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: MattermostFakeJSON].self))
        }
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// Parses a document; nil when `data` is not JSON.
    package static func parse(_ data: Data) -> MattermostFakeJSON? {
        try? JSONDecoder().decode(MattermostFakeJSON.self, from: data)
    }

    /// The document as compact JSON text.
    package var data: Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)) ?? Data("null".utf8)
    }

    package var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    package var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    package var intValue: Int? {
        switch self {
        case .int(let value): return Int(exactly: value)
        case .double(let value): return Int(exactly: value)
        default: return nil
        }
    }

    package var objectValue: [String: MattermostFakeJSON]? {
        if case .object(let value) = self { return value }
        return nil
    }

    package var arrayValue: [MattermostFakeJSON]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// The member `key` of an object; nil for a missing member or a non-object.
    package subscript(key: String) -> MattermostFakeJSON? { objectValue?[key] }
}

extension MattermostFakeJSON: ExpressibleByStringLiteral {
    package init(stringLiteral value: String) { self = .string(value) }
}
