/// A JSON object's members in the order they were written; a key appears at most once.
///
/// Equality and hashing ignore the order (two objects with the same members are equal); writing keeps it.
package struct JSONObject: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    /// The keys, in order.
    package private(set) var keys: [String] = []
    private var values: [String: JSONValue] = [:]

    package init() {}

    /// An object from a dictionary, its keys sorted (a dictionary has no order of its own).
    package init(_ dictionary: [String: JSONValue]) {
        for key in dictionary.keys.sorted() { self[key] = dictionary[key] }
    }

    package init(dictionaryLiteral elements: (String, JSONValue)...) {
        for (key, value) in elements { self[key] = value }
    }

    package var count: Int { keys.count }
    package var isEmpty: Bool { keys.isEmpty }

    /// The member's value; setting nil removes the member, setting a new key appends it.
    package subscript(key: String) -> JSONValue? {
        get { values[key] }
        set {
            guard let newValue else {
                if values.removeValue(forKey: key) != nil { keys.removeAll { $0 == key } }
                return
            }
            if values.updateValue(newValue, forKey: key) == nil { keys.append(key) }
        }
    }

    /// Appends a member; false when the key is already there (the parser then drops the whole object, so the
    /// value it replaced does not matter).
    mutating func appendNew(_ key: String, _ value: JSONValue) -> Bool {
        guard values.updateValue(value, forKey: key) == nil else { return false }
        keys.append(key)
        return true
    }

    /// The members as a dictionary (order lost).
    package var dictionary: [String: JSONValue] { values }

    package func makeIterator() -> some IteratorProtocol<(key: String, value: JSONValue)> {
        keys.lazy.map { (key: $0, value: values[$0] ?? .null) }.makeIterator()
    }

    package static func == (lhs: JSONObject, rhs: JSONObject) -> Bool { lhs.values == rhs.values }

    package func hash(into hasher: inout Hasher) { hasher.combine(values) }
}
