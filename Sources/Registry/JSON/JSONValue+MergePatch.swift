/// RFC 7396 JSON merge patch, for `PATCH /agents/{name}`.
extension JSONValue {
    /// This value with `patch` merged in: objects merge key by key, `null` removes a key, anything else
    /// replaces the value.
    package func merging(_ patch: JSONValue) -> JSONValue {
        guard case .object(let changes) = patch else { return patch }
        var result: JSONObject
        if case .object(let current) = self { result = current } else { result = JSONObject() }
        for (key, change) in changes {
            if change == .null {
                result[key] = nil
            } else {
                result[key] = (result[key] ?? .null).merging(change)
            }
        }
        return .object(result)
    }
}
