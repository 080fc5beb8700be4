import ArgumentParser
import Registry
import Testing

@testable import CLI
@testable import DormouseClient

/// The CLI's pieces that need no server: configuration, ages, tables and agent flags.
@Suite("CLI configuration")
struct CLIConfigurationTests {
    @Test func environmentIsReadInOnePlace() {
        let defaults = ClientConfiguration.fromEnvironment(["HOME": "/home/x"])
        #expect(defaults.url == "http://127.0.0.1:7070")
        #expect(defaults.apiToken == nil)
        #expect(defaults.databasePath == "/home/x/.local/share/dormouse/dormouse.sqlite")
        #expect(defaults.colorAllowed)
        let set = ClientConfiguration.fromEnvironment([
            "DORMOUSE_URL": "http://h:1/", "DORMOUSE_API_TOKEN": "t", "DORMOUSE_DB": "/d.sqlite", "NO_COLOR": "1",
        ])
        #expect(set.baseURL == "http://h:1")
        #expect(set.apiToken == "t")
        #expect(set.databasePath == "/d.sqlite")
        #expect(!set.colorAllowed)
    }

    @Test(
        arguments: [("30d", 2_592_000_000), ("12h", 43_200_000), ("90m", 5_400_000), ("45s", 45_000)]
            as [(String, Int64)])
    func agesParse(_ text: String, _ milliseconds: Int64) {
        #expect(PruneAge(argument: text)?.milliseconds == milliseconds)
    }

    @Test(arguments: ["", "d", "0d", "-1d", "3w", "1.5h", "99999999999999999d"])
    func badAgesAreRefused(_ text: String) {
        #expect(PruneAge(argument: text) == nil)
    }

    @Test func tablesAlignTheirColumns() {
        var table = Table(headers: ["NAME", "STATE"])
        table.rows = [["a-long-name", "—"], ["b", "running"]]
        #expect(table.render(color: false) == "NAME         STATE\na-long-name  —\nb            running")
    }

    @Test func exitCodesFollowTheHTTPStatus() {
        #expect(
            [404, 401, 403, 503, 400, 409, 413, 422, 429, 500].map(CLIExitCode.forHTTPStatus)
                == [66, 77, 77, 69, 65, 65, 65, 65, 65, 1])
    }

    @Test func flagsBecomeAPatchThatKeepsTheRestOfABlock() throws {
        let flags = try AgentFlags.parse(["--env", "B=2", "--http-path", "/run", "--max-queue", "3"])
        let current = try JSONValue.parse(
            #"{"container": {"name": null, "image": "busybox", "command": null, "env": {"A": "1"}},"#
                + #" "dispatch": {"type": "http", "port": 80, "path": "/", "timeout_s": 300}}"#)
        let patch = try flags.fields(current: current)
        #expect(patch["max_queue"] == .integer(3))
        #expect(
            patch["container"]
                == .object(["image": .string("busybox"), "env": .object(["A": .string("1"), "B": .string("2")])]))
        #expect(
            patch["dispatch"]
                == .object([
                    "type": .string("http"), "port": .integer(80), "path": .string("/run"), "timeout_s": .integer(300),
                ]))
    }
}
