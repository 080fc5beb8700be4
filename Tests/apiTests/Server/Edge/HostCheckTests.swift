import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import DormouseClient
@testable import Server

/// The `Host` check (421) over real loopback HTTP, the names a bind answers as, and the loopback test.
@Suite("Host check", .timeLimit(.minutes(1)))
struct HostCheckTests {
    /// A `Host` value and whether the server must answer as it; `{port}` is the listening port.
    struct Case: Sendable, CustomTestStringConvertible {
        var host: String
        var allowed: Bool
        var testDescription: String { "\(host) \(allowed ? "answered" : "refused")" }
    }

    static let cases: [Case] = [
        .init(host: "127.0.0.1:{port}", allowed: true),
        .init(host: "localhost:{port}", allowed: true),
        .init(host: "LocalHost:{port}", allowed: true),
        .init(host: "[::1]:{port}", allowed: true),
        .init(host: "dormouse.lan", allowed: true),
        .init(host: "dormouse.lan:8080", allowed: true),
        .init(host: "proxy.lan:8443", allowed: true),
        .init(host: "evil.example", allowed: false),
        .init(host: "evil.example:{port}", allowed: false),
        .init(host: "127.0.0.1.evil.example:{port}", allowed: false),
        .init(host: "localhost.evil.example:{port}", allowed: false),
        .init(host: "127.0.0.1:{wrong}", allowed: false),
        .init(host: "localhost:{wrong}", allowed: false),
        .init(host: "127.0.0.1", allowed: false),
        .init(host: "0.0.0.0:{port}", allowed: false),
        .init(host: "proxy.lan:8444", allowed: false),
        .init(host: "proxy.lan", allowed: false),
        .init(host: "127.0.0.1:{port}@evil.example", allowed: false),
    ]

    @Test func answersOnlyAsItsOwnNames() async throws {
        var app = TestApp()
        app.allowedHosts = [HostAuthority("dormouse.lan")!, HostAuthority("proxy.lan:8443")!]
        try await app.run { client in
            let port = try #require(client.client.port)
            let raw = RawHTTP(port: port)
            for testCase in Self.cases {
                let host = testCase.host.replacingOccurrences(of: "{port}", with: "\(port)")
                    .replacingOccurrences(of: "{wrong}", with: "\(port == 65_535 ? 1 : port + 1)")
                for path in ["/health", "/agents"] {
                    let reply = try await raw.send("GET", path, headers: [("Host", host)])
                    #expect((reply.status == 200) == testCase.allowed, "GET \(path) Host: \(host) → \(reply.status)")
                    if !testCase.allowed {
                        #expect(reply.status == 421, "Host: \(host)")
                        #expect(reply.headers["content-type"] == "application/problem+json")
                        #expect(reply.body.contains("urn:dormouse:problem:misdirected"))
                        try client.validate("GET", path, reply)
                    }
                }
            }
        }
    }

    @Test func refusesARequestWithoutHost() async throws {
        try await TestApp().run { client in
            let raw = RawHTTP(port: try #require(client.client.port))
            let reply = try await raw.send("GET", "/health", headers: [("Host", "")])
            #expect(reply.status == 421 || reply.status == 400)
        }
    }

    @Test func aWildcardBindAnswersAsTheInterfacesAddressesButNeverAsTheWildcard() {
        let hosts = AllowedHosts(
            bindHost: "0.0.0.0", port: 7070, configured: [HostAuthority("dormouse.lan:7443")!],
            interfaceAddresses: { ["192.168.1.5", "[fe80::1]", "127.0.0.1"] })
        #expect(hosts.allows(HostAuthority("192.168.1.5:7070")!))
        #expect(hosts.allows(HostAuthority("[fe80::1]:7070")!))
        #expect(hosts.allows(HostAuthority("localhost:7070")!))
        #expect(hosts.allows(HostAuthority("dormouse.lan:7443")!))
        #expect(!hosts.allows(HostAuthority("0.0.0.0:7070")!))
        #expect(!hosts.allows(HostAuthority("10.0.0.1:7070")!))
        #expect(!hosts.allows(HostAuthority("192.168.1.5:7071")!))
        #expect(
            !AllowedHosts(bindHost: "::", port: 7070, configured: [], interfaceAddresses: { [] })
                .allows(HostAuthority("[::]:7070")!))
    }

    @Test func aNamedBindAnswersAsThatName() {
        let hosts = AllowedHosts(bindHost: "Box.LAN", port: 7070, configured: [], interfaceAddresses: { [] })
        #expect(hosts.allows(HostAuthority("box.lan:7070")!))
        #expect(!hosts.allows(HostAuthority("box.lan:80")!))
        let v6 = AllowedHosts(bindHost: "::1", port: 7070, configured: [], interfaceAddresses: { [] })
        #expect(v6.allows(HostAuthority("[::1]:7070")!))
    }

    @Test(arguments: [
        ("127.0.0.1", true), ("127.255.0.9", true), ("localhost", true), ("LOCALHOST", true), ("::1", true),
        ("[::1]", true), ("::ffff:127.0.0.1", true), ("127.evil.example", false), ("127.0.0.1.evil.example", false),
        ("128.0.0.1", false), ("0.0.0.0", false), ("::", false), ("10.0.0.1", false), ("example.com", false),
        ("", false), ("localhost.evil.example", false),
    ])
    func isLoopbackParsesAddresses(host: String, loopback: Bool) {
        #expect(ServerConfiguration.isLoopback(host) == loopback)
    }

    @Test func aLookalikeLoopbackNameNeedsAToken() {
        var configuration = ServerConfiguration()
        configuration.host = "127.evil.example"
        #expect(throws: ConfigurationError.self) { try configuration.validate() }
    }
}
