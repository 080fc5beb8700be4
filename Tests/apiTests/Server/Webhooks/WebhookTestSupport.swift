import Crypto
import Foundation
import HTTPTypes
import Registry
import TestSupport
import Testing

@testable import Server

/// What the webhook tests share: a lazy agent, a way to make lifecycle events, and the checks of a delivery.
enum WebhookTestSupport {
    static let secret = "whsec_0123456789abcdef0123456789abcdef"

    static func agent(_ name: String) -> String {
        """
        {"name": "\(name)", "mode": "container", "container": {"image": "busybox"}, "idle_timeout_s": 300,
         "dispatch": {"type": "exec", "argv": ["worker"]}}
        """
    }

    /// The settings the tests use: retries after exactly 1, 2, 4, 8 s (jitter pinned to the ceiling).
    static func settings(failingAfter: Int = 3, timeout: Duration = .seconds(30)) -> WebhookSettings {
        var settings = WebhookSettings()
        settings.failingAfter = failingAfter
        settings.timeout = timeout
        settings.backoffCap = .seconds(8)
        settings.jitter = { 1 }
        return settings
    }

    /// Adds a webhook and returns its id.
    static func addWebhook(
        _ client: APIClient, url: String, types: [String]? = nil, instances: [String]? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> String {
        var body = #"{"url": "\#(url)", "secret": "\#(secret)""#
        if let types { body += #", "types": [\#(types.map { "\"\($0)\"" }.joined(separator: ", "))]"# }
        if let instances { body += #", "instances": [\#(instances.map { "\"\($0)\"" }.joined(separator: ", "))]"# }
        let reply = try await client.post("/webhooks", body + "}")
        #expect(reply.status == .created, "\(reply.text)", sourceLocation: sourceLocation)
        return try #require(reply.json["id"].string, sourceLocation: sourceLocation)
    }

    /// Operator start and stop of `agent`, `times` times: two audited events each.
    static func cycle(_ client: APIClient, _ agent: String = "w1", times: Int = 1) async throws {
        for _ in 0..<times {
            #expect(try await client.post("/agents/\(agent)/start").status == .ok)
            #expect(try await client.post("/agents/\(agent)/stop").status == .ok)
        }
    }

    /// The audit rows of `agent`, as the API lists them.
    static func auditIDs(_ client: APIClient, _ agent: String = "w1") async throws -> [Int64] {
        try await client.get("/agents/\(agent)/events?limit=1000").json["events"].array.compactMap(\.["id"].int64)
    }

    /// The webhook as `GET /webhooks/{id}` shows it.
    static func webhook(_ client: APIClient, _ id: String) async throws -> JSONValue {
        try await client.get("/webhooks/\(id)").json
    }

    /// Whether the delivery's `Dormouse-Signature` is the HMAC-SHA256 of "t.body" under `secret`, made within
    /// five minutes of now (what a receiver checks, as the README shows).
    static func verifies(_ delivery: WebhookReceiver.Delivery, secret: String = secret) -> Bool {
        guard let header = delivery.signature else { return false }
        var parts: [Substring: Substring] = [:]
        for part in header.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1)
            if pair.count == 2 { parts[pair[0]] = pair[1] }
        }
        guard let timestamp = parts["t"].flatMap({ Int64($0) }), let sent = parts["v1"] else { return false }
        guard abs(Int64(Date().timeIntervalSince1970) - timestamp) < 300 else { return false }
        let code = HMAC<SHA256>.authenticationCode(
            for: Data("\(timestamp).\(delivery.body)".utf8), using: SymmetricKey(data: Data(secret.utf8)))
        let expected = code.map { String(format: "%02x", $0) }.joined()
        return expected == String(sent)
    }
}
