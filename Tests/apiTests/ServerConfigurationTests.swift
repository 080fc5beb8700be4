import Lifecycle
import Logging
import Testing

@testable import api

@Suite("ServerConfiguration")
struct ServerConfigurationTests {
    @Test func defaultsBindToLoopback() throws {
        let configuration = try ServerConfiguration.fromEnvironment([:])
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 7070)
        #expect(configuration.apiToken == nil)
        #expect(configuration.dockerEndpoint == .localSocket)
        try configuration.validate()
    }

    @Test func readsEveryVariable() throws {
        let configuration = try ServerConfiguration.fromEnvironment([
            "DORMOUSE_HOST": "0.0.0.0", "DORMOUSE_PORT": "8080", "DORMOUSE_API_TOKEN": "s3cret",
            "DOCKER_HOST": "tcp://127.0.0.1:2375", "LOG_LEVEL": "DEBUG",
        ])
        #expect(configuration.host == "0.0.0.0")
        #expect(configuration.port == 8080)
        #expect(configuration.apiToken == "s3cret")
        #expect(configuration.dockerEndpoint == DockerEndpoint(dockerHost: "tcp://127.0.0.1:2375"))
        #expect(configuration.logLevel == .debug)
        try configuration.validate()
    }

    @Test(arguments: [
        ["DORMOUSE_PORT": "seventy"], ["DORMOUSE_PORT": "70000"], ["DOCKER_HOST": "ssh://box"],
        ["LOG_LEVEL": "loud"],
    ])
    func malformedValuesNameTheVariable(environment: [String: String]) {
        let error = #expect(throws: ConfigurationError.self) { try ServerConfiguration.fromEnvironment(environment) }
        #expect(error?.description.contains(environment.keys.first!) == true)
    }

    @Test(arguments: ["0.0.0.0", "192.0.2.10", "::"])
    func refusesANonLoopbackBindWithoutAToken(host: String) throws {
        var configuration = try ServerConfiguration.fromEnvironment(["DORMOUSE_HOST": host])
        #expect(throws: ConfigurationError.self) { try configuration.validate() }
        configuration.insecure = true
        try configuration.validate()
    }

    @Test(arguments: ["127.0.0.1", "localhost", "::1"])
    func loopbackNeedsNoToken(host: String) throws {
        try ServerConfiguration.fromEnvironment(["DORMOUSE_HOST": host]).validate()
    }
}
