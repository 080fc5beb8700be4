import Crypto
import Foundation

/// The `Dormouse-Signature` header: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" keyed by the secret>`,
/// so a receiver can check that a delivery comes from Dormouse and is recent (README, "Webhooks").
enum WebhookSignature {
    static let headerName = "Dormouse-Signature"

    /// The header value for `body` signed at `timestamp` (seconds since the Unix epoch).
    static func header(secret: String, timestamp: Int64, body: String) -> String {
        "t=\(timestamp),v1=\(hex(secret: secret, timestamp: timestamp, body: body))"
    }

    /// The lowercase hex HMAC-SHA256 of `"<timestamp>.<body>"`.
    static func hex(secret: String, timestamp: Int64, body: String) -> String {
        let key = SymmetricKey(data: Data(secret.utf8))
        let code = HMAC<SHA256>.authenticationCode(for: Data("\(timestamp).\(body)".utf8), using: key)
        return code.map { byte in
            let text = String(byte, radix: 16)
            return byte < 16 ? "0" + text : text
        }.joined()
    }
}
