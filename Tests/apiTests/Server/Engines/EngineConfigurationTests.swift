import DormouseClient
import Foundation
import Lifecycle
import Testing

@testable import Server

/// `DORMOUSE_ENGINES` and `DORMOUSE_ENGINE_CERTS`: what is accepted, what is refused at startup, and when plain
/// TCP needs `--insecure`.
@Suite("Engine configuration")
struct EngineConfigurationTests {
    @Test(arguments: [
        ("edge=unix:///run/edge.sock", ["edge": "unix:///run/edge.sock"]),
        (
            "edge=tcp://127.0.0.1:2375, b-2=unix:///tmp/b.sock,",
            ["edge": "tcp://127.0.0.1:2375", "b-2": "unix:///tmp/b.sock"]
        ),
        ("local=tcp://10.0.0.5:2376", ["local": "tcp://10.0.0.5:2376"]),
    ])
    func acceptsGoodLists(text: String, expected: [String: String]) throws {
        let engines = try ServerConfiguration.parseEngines(text, certificates: nil)
        #expect(Dictionary(uniqueKeysWithValues: engines.map { ($0.name, $0.endpoint.description) }) == expected)
    }

    @Test(arguments: [
        ("edge=unix:///a.sock,edge=unix:///b.sock", "twice"),
        ("edge=http://127.0.0.1:2375", "must be unix:///path or tcp://host:port"),
        ("edge=ssh://box", "must be unix:///path or tcp://host:port"),
        ("edge=/var/run/docker.sock", "must be unix:///path or tcp://host:port"),
        ("Edge=unix:///a.sock", "must match"),
        ("edge", "must be name=url"),
        ("=unix:///a.sock", "must match"),
    ])
    func refusesBadLists(text: String, message: String) {
        let error = #expect(throws: ConfigurationError.self) {
            try ServerConfiguration.parseEngines(text, certificates: nil)
        }
        #expect(error?.description.contains(message) == true)
    }

    @Test func plainTCPToAnotherMachineNeedsInsecure() throws {
        var configuration = try ServerConfiguration.fromEnvironment([
            "DORMOUSE_ENGINES": "edge=tcp://10.1.2.3:2375,near=tcp://127.0.0.1:2375"
        ])
        let error = #expect(throws: ConfigurationError.self) { try configuration.validate() }
        #expect(error?.description.contains("refusing plain TCP to engine \"edge\"") == true)
        #expect(error?.description.contains("--insecure") == true)
        configuration.insecure = true
        try configuration.validate()
        try ServerConfiguration.fromEnvironment(["DORMOUSE_ENGINES": "near=tcp://127.0.0.1:2375"]).validate()
    }

    @Test func aCertificateFolderMeansTLS() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("certs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let edge = folder.appendingPathComponent("edge")
        try FileManager.default.createDirectory(at: edge, withIntermediateDirectories: true)
        for file in ["ca.pem", "cert.pem"] {
            try Data().write(to: edge.appendingPathComponent(file))
        }
        let missing = #expect(throws: ConfigurationError.self) {
            try ServerConfiguration.parseEngines("edge=tcp://10.1.2.3:2376", certificates: folder.path)
        }
        #expect(missing?.description.contains("engine \"edge\"") == true)
        #expect(missing?.description.contains("key.pem") == true)
        try Data().write(to: edge.appendingPathComponent("key.pem"))
        var configuration = try ServerConfiguration.fromEnvironment([
            "DORMOUSE_ENGINES": "edge=tcp://10.1.2.3:2376,other=tcp://10.1.2.4:2376",
            "DORMOUSE_ENGINE_CERTS": folder.path,
        ])
        let tls = try #require(configuration.engines.first?.tls)
        #expect(tls.keyPath == edge.appendingPathComponent("key.pem").path)
        #expect(configuration.engines.first?.endpoint.usesTLS == true)
        #expect(configuration.engines.last?.tls == nil)
        // "edge" has TLS; "other" has no folder, so it is plain TCP to another machine.
        #expect(throws: ConfigurationError.self) { try configuration.validate() }
        configuration.engines.removeLast()
        try configuration.validate()
    }
}
