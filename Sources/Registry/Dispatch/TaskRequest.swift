/// The body of a dispatch: `{"payload": <any JSON>}`; other fields are refused.
package struct TaskRequest: Sendable, Hashable {
    /// The levels the body adds around the payload, which the payload's depth limit does not count.
    package static let envelopeDepth = 1

    package var payload: JSONValue

    /// Reads the body (already parsed strictly); errors are those a `Decodable` body would throw, so they are
    /// answered the same way: unknown fields 400, a missing payload or a body that is no object 422.
    package init(json: JSONValue) throws {
        guard case .object(let body) = json else {
            throw DecodingError.typeMismatch(
                [String: JSONValue].self, .init(codingPath: [], debugDescription: "the body is not a JSON object"))
        }
        for key in body.keys where key != "payload" {
            throw DecodingError.dataCorrupted(
                .init(codingPath: [StrictKeys(stringValue: key)], debugDescription: "unknown field \"\(key)\""))
        }
        guard let payload = body["payload"] else {
            throw DecodingError.keyNotFound(
                StrictKeys(stringValue: "payload"), .init(codingPath: [], debugDescription: "payload is required"))
        }
        self.payload = payload
    }
}
