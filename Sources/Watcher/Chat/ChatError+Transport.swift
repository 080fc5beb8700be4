import AsyncHTTPClient
import Foundation

extension ChatError {
    /// A request that got no answer (refused, reset, timed out, cancelled) as `.network`, described without
    /// `token`: every adapter's transport failures read the same.
    static func transport(_ error: any Error, redacting token: String) -> ChatError {
        if error is CancellationError { return .network("cancelled") }
        if let error = error as? HTTPClientError {
            if error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
                return .network("timed out")
            }
            if error == .cancelled { return .network("cancelled") }
        }
        return .network(redacting("\(error)", token))
    }

    /// `text` with `token` blanked out, for anything that ends up in an error or a log line.
    static func redacting(_ text: String, _ token: String) -> String {
        token.isEmpty ? text : text.replacingOccurrences(of: token, with: "<redacted>")
    }
}
