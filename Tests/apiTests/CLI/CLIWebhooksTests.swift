import Foundation
import HummingbirdTesting
import Registry
import TestSupport
import Testing

/// `dormouse webhooks ...`, run as the built binary against a server on loopback.
@Suite("CLI webhooks", .tags(.process), .outsideUnitLane)
struct CLIWebhooksTests {
    static let secret = WebhookTestSupport.secret

    @Test func addListAndDelete() async throws {
        try await TestApp().run { client in
            let cli = CLIProcess(port: client.client.port)
            let added = try await cli(
                "webhooks", "add", "https://ci.example/hooks/dormouse", "--secret-file", "-", "--type",
                "container.lazy_start_failed", "--instance", "w1", stdin: Self.secret + "\n")
            #expect(added.status == 0, "\(added)")
            #expect(added.stdout.hasPrefix("added webhook wh_"))
            #expect(added.stdout.contains("types      container.lazy_start_failed"), "\(added)")
            #expect(added.stdout.contains("secret     …cdef"), "\(added)")
            #expect(!added.stdout.contains(Self.secret))

            // No secret given: one is made and shown once.
            let made = try await cli("webhooks", "add", "https://other.example/")
            #expect(made.status == 0, "\(made)")
            let secretLine = made.stdout.split(separator: "\n").first { $0.hasPrefix("secret (shown once") }
            let shown = try #require(secretLine?.split(separator: " ").last)
            #expect(shown.count == 64 && shown.allSatisfy(\.isHexDigit))

            let table = try await cli("webhooks", "list")
            #expect(table.status == 0, "\(table)")
            let lines = table.stdout.split(separator: "\n")
            #expect(lines.first?.hasPrefix("ID  ") == true)
            #expect(lines.contains { $0.contains("https://ci.example/hooks/dormouse") && $0.contains("ok") })
            #expect(!table.stdout.contains(Self.secret) && !table.stdout.contains(String(shown)))
            let listed = try await cli("webhooks", "list", "--json").json["webhooks"].array
            #expect(listed.count == 2)

            let id = try #require(listed.first?["id"].string)
            let deleted = try await cli("webhooks", "delete", id)
            #expect(deleted.status == 0 && deleted.stdout == "deleted webhook \(id)\n", "\(deleted)")
            #expect(try await cli("webhooks", "delete", id).status == 66)
            #expect(try await cli("webhooks", "list", "--json").json["webhooks"].array.count == 1)
        }
    }

    @Test func refusesBadValuesWithTheServersReasons() async throws {
        try await TestApp().run { client in
            let cli = CLIProcess(port: client.client.port)
            let short = try await cli("webhooks", "add", "https://ci.example/", "--secret", "tooshort")
            #expect(short.status == 65, "\(short)")
            #expect(short.stderr.contains("at least 32 characters"), "\(short)")
            let scheme = try await cli("webhooks", "add", "ftp://ci.example/", "--secret", Self.secret)
            #expect(scheme.status == 65)
            #expect(scheme.stderr.contains("url"), "\(scheme)")
            let both = try await cli("webhooks", "add", "https://ci.example/", "--secret", "a", "--secret-file", "-")
            #expect(both.status == 64)
            #expect(try await cli("webhooks", "list", "--json").json["webhooks"].array.isEmpty)
        }
    }
}
