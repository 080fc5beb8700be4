import Testing

@testable import DormouseClient
@testable import Server

@Suite("ServerConfiguration: connections")
struct ServerConfigurationConnectionsTests {
    @Test func defaultsAreTenSecondsSixtySecondsAndACapFromTheOpenFileLimit() throws {
        let limits = try ServerConfiguration.fromEnvironment([:]).connections
        #expect(limits == ConnectionLimits(headerTimeout: .seconds(10), idleTimeout: .seconds(60), maxConnections: nil))
        let openFiles = try #require(FileDescriptorLimit.current()).soft
        #expect(limits.resolvedMaxConnections() == ConnectionLimits.defaultMaxConnections(openFileLimit: openFiles))
    }

    @Test func readsTheThreeVariables() throws {
        let limits = try ServerConfiguration.fromEnvironment([
            "DORMOUSE_HEADER_TIMEOUT_S": "2.5", "DORMOUSE_IDLE_TIMEOUT_S": "120", "DORMOUSE_MAX_CONNECTIONS": "300",
        ]).connections
        #expect(limits.headerTimeout == .milliseconds(2_500))
        #expect(limits.idleTimeout == .seconds(120))
        #expect(limits.maxConnections == 300)
        #expect(limits.resolvedMaxConnections() == 300)
    }

    @Test(arguments: [
        ("DORMOUSE_HEADER_TIMEOUT_S", "0"), ("DORMOUSE_HEADER_TIMEOUT_S", "ten"), ("DORMOUSE_IDLE_TIMEOUT_S", "-1"),
        ("DORMOUSE_IDLE_TIMEOUT_S", "nan"), ("DORMOUSE_IDLE_TIMEOUT_S", "100000"), ("DORMOUSE_MAX_CONNECTIONS", "0"),
        ("DORMOUSE_MAX_CONNECTIONS", "1.5"),
    ])
    func aBadValueIsAnErrorNamingTheVariable(name: String, value: String) {
        let error = #expect(throws: ConfigurationError.self) {
            try ServerConfiguration.fromEnvironment([name: value])
        }
        #expect(error?.description.contains(name) == true)
        #expect(error?.description.contains("\"\(value)\"") == true)
    }
}
