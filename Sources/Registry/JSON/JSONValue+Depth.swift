/// How deeply a value nests, for values built in code rather than parsed (parsing enforces the limit itself).
extension JSONValue {
    /// The levels of arrays and objects (`1` is 0, `[[1]]` 2); past `limit` it stops looking and answers
    /// `limit + 1`, so a value built a million levels deep is measured in bounded time and stack.
    package func nestingDepth(upTo limit: Int = maximumDepth) -> Int {
        switch self {
        case .array(let array):
            guard limit > 0 else { return 1 }
            return 1 + array.reduce(0) { max($0, $1.nestingDepth(upTo: limit - 1)) }
        case .object(let object):
            guard limit > 0 else { return 1 }
            return 1 + object.reduce(0) { max($0, $1.value.nestingDepth(upTo: limit - 1)) }
        default:
            return 0
        }
    }
}
