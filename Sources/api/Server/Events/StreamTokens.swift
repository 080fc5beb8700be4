import Foundation
import Synchronization

/// Short-lived, single-use tokens for `GET /events?access_token=`: a browser's EventSource cannot send an
/// `Authorization` header, so the page asks for one with an authenticated call and connects with it.
final class StreamTokens: Sendable {
    /// How long a token may wait to be used.
    static let lifetime = Duration.seconds(60)

    private let issued = Mutex<[String: ContinuousClock.Instant]>([:])

    /// A new token, good for one connection within `lifetime`.
    func issue() -> String {
        let token = (0..<4).map { _ in String(format: "%016llx", UInt64.random(in: .min ... .max)) }.joined()
        let now = ContinuousClock.now
        issued.withLock { tokens in
            tokens = tokens.filter { $0.value > now }
            tokens[token] = now.advanced(by: Self.lifetime)
        }
        return token
    }

    /// Whether `token` was issued and is still fresh; it cannot be used again.
    func redeem(_ token: String) -> Bool {
        guard let expiry = issued.withLock({ $0.removeValue(forKey: token) }) else { return false }
        return expiry > ContinuousClock.now
    }
}
