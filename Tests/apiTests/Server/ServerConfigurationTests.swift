import Lifecycle
import Logging
import Registry
import Testing

@testable import DormouseClient
@testable import Server

@Suite("ServerConfiguration")
struct ServerConfigurationTests {
    @Test func defaultsBindToLoopback() throws {
        let configuration = try ServerConfiguration.fromEnvironment([:])
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 7070)
        #expect(configuration.apiToken == nil)
        #expect(configuration.dockerEndpoint == .localSocket)
        #expect(configuration.databasePath.hasSuffix("/.local/share/dormouse/dormouse.sqlite"))
        #expect(configuration.auditRetention.maxRows == nil)
        try configuration.validate()
    }

    @Test func hostAgentsAreOffUnlessAllowed() throws {
        #expect(try !ServerConfiguration.fromEnvironment([:]).allowsHostAgents)
        #expect(try ServerConfiguration.fromEnvironment(["DORMOUSE_ALLOW_HOST_AGENTS": "1"]).allowsHostAgents)
        #expect(try !ServerConfiguration.fromEnvironment(["DORMOUSE_ALLOW_HOST_AGENTS": "no"]).allowsHostAgents)
        #expect(throws: ConfigurationError.self) {
            try ServerConfiguration.fromEnvironment(["DORMOUSE_ALLOW_HOST_AGENTS": "maybe"])
        }
    }

    @Test func webhookDefaultsAreTenSecondsAndFiveFailures() throws {
        let configuration = try ServerConfiguration.fromEnvironment([:])
        #expect(configuration.webhooks.timeout == .seconds(10))
        #expect(configuration.webhooks.failingAfter == 5)
    }

    @Test func databaseFollowsXDGDataHome() throws {
        let configuration = try ServerConfiguration.fromEnvironment(["XDG_DATA_HOME": "/data"])
        #expect(configuration.databasePath == "/data/dormouse/dormouse.sqlite")
    }

    @Test func readsEveryVariable() throws {
        let configuration = try ServerConfiguration.fromEnvironment([
            "DORMOUSE_HOST": "0.0.0.0", "DORMOUSE_PORT": "8080", "DORMOUSE_API_TOKEN": "s3cret",
            "DOCKER_HOST": "tcp://127.0.0.1:2375", "LOG_LEVEL": "DEBUG", "DORMOUSE_DB": "/var/lib/dormouse/db.sqlite",
            "DORMOUSE_AUDIT_RETENTION_DAYS": "7", "DORMOUSE_AUDIT_MAX_ROWS": "1000",
            "DORMOUSE_WEBHOOK_TIMEOUT_S": "2.5", "DORMOUSE_WEBHOOK_FAILING_AFTER": "3",
        ])
        #expect(configuration.webhooks.timeout == .milliseconds(2_500))
        #expect(configuration.webhooks.failingAfter == 3)
        #expect(configuration.databasePath == "/var/lib/dormouse/db.sqlite")
        #expect(configuration.auditRetention.maxAge == .seconds(7 * 86_400))
        #expect(configuration.auditRetention.maxRows == 1_000)
        #expect(configuration.host == "0.0.0.0")
        #expect(configuration.port == 8080)
        #expect(configuration.apiToken == "s3cret")
        #expect(configuration.dockerEndpoint == DockerEndpoint(dockerHost: "tcp://127.0.0.1:2375"))
        #expect(configuration.logLevel == .debug)
        try configuration.validate()
    }

    @Test(arguments: [
        ["DORMOUSE_PORT": "seventy"], ["DORMOUSE_PORT": "70000"], ["DOCKER_HOST": "ssh://box"],
        ["LOG_LEVEL": "loud"], ["DORMOUSE_AUDIT_RETENTION_DAYS": "0"], ["DORMOUSE_AUDIT_MAX_ROWS": "lots"],
        ["DORMOUSE_WATCH": "maybe"], ["DORMOUSE_WEBHOOK_TIMEOUT_S": "0"], ["DORMOUSE_WEBHOOK_FAILING_AFTER": "-1"],
    ])
    func malformedValuesNameTheVariable(environment: [String: String]) {
        let error = #expect(throws: ConfigurationError.self) { try ServerConfiguration.fromEnvironment(environment) }
        #expect(error?.description.contains(environment.keys.first!) == true)
    }

    @Test(arguments: [("1", true), ("true", true), ("YES", true), ("0", false), ("false", false), ("", false)])
    func watchIsReadFromTheEnvironment(value: String, expected: Bool) throws {
        #expect(try ServerConfiguration.fromEnvironment(["DORMOUSE_WATCH": value]).watch == expected)
        #expect(try ServerConfiguration.fromEnvironment([:]).watch == false)
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
