/// Reading JSON text strictly (see `JSONParser`): what request bodies and stored payloads go through.
extension JSONValue {
    /// The deepest nesting of arrays and objects a payload or request body may have: `[[1]]` is 2 levels.
    package static let maximumDepth = 64

    /// Parses one JSON document. `envelope` levels around the value are allowed on top of `maximumDepth` (a
    /// dispatch body `{"payload": ...}` is one), and not counted in the limit an error names.
    package static func parse(
        bytes: some Collection<UInt8>, maximumDepth: Int = maximumDepth, envelope: Int = 0
    ) throws(JSONParseError) -> JSONValue {
        let result = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(JSONParseError) -> JSONValue in
                var parser = JSONParser(buffer, maximumDepth: maximumDepth, envelope: envelope)
                return try parser.document()
            }
        }
        if let result { return try result.get() }
        return try parse(bytes: Array(bytes), maximumDepth: maximumDepth, envelope: envelope)
    }

    /// Parses JSON text (as stored in the database).
    package static func parse(_ text: String, maximumDepth: Int = maximumDepth) throws(JSONParseError) -> JSONValue {
        var text = text
        return try text.withUTF8 { buffer in
            Result { () throws(JSONParseError) -> JSONValue in
                var parser = JSONParser(buffer, maximumDepth: maximumDepth, envelope: 0)
                return try parser.document()
            }
        }.get()
    }
}
