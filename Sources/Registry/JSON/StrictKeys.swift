/// Decoding that refuses fields it does not know, so a typo in a request is an error rather than ignored.
struct StrictKeys: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }

    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }

    /// Throws `DecodingError.dataCorrupted` naming the first field of the object that is not in `known`.
    static func rejectUnknown(in decoder: any Decoder, known: Set<String>) throws {
        let container = try decoder.container(keyedBy: StrictKeys.self)
        for key in container.allKeys where !known.contains(key.stringValue) {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath + [key],
                    debugDescription: "unknown field \"\(key.stringValue)\""))
        }
    }
}
