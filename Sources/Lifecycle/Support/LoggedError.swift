/// What a log line may say about an error. `EncodingError` and `DecodingError` print the value they failed on
/// (a task's payload, an agent's `env`) or the input around it, so only their kind and coding path are kept;
/// any other error is logged as it describes itself (engine and database errors name no payload: GRDB keeps
/// statement arguments out of its messages).
package struct LoggedError: CustomStringConvertible, Sendable {
    package let description: String

    package init(_ error: any Error) {
        switch error {
        case let error as EncodingError:
            guard case .invalidValue(_, let context) = error else {
                description = "EncodingError"
                return
            }
            description = "EncodingError.invalidValue at \(Self.path(context.codingPath))"
        case let error as DecodingError:
            description = "DecodingError.\(Self.kind(error))"
        default:
            description = String(describing: error)
        }
    }

    private static func kind(_ error: DecodingError) -> String {
        switch error {
        case .typeMismatch(_, let context): "typeMismatch at \(path(context.codingPath))"
        case .valueNotFound(_, let context): "valueNotFound at \(path(context.codingPath))"
        case .keyNotFound(let key, let context): "keyNotFound \(key.stringValue) at \(path(context.codingPath))"
        case .dataCorrupted(let context): "dataCorrupted at \(path(context.codingPath))"
        @unknown default: "unknown"
        }
    }

    private static func path(_ codingPath: [any CodingKey]) -> String {
        codingPath.isEmpty
            ? "the top level"
            : codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }
                .joined(separator: ".")
    }
}
