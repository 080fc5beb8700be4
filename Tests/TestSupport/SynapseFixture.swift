import Foundation
import Testing

/// The real Synapse homeserver `scripts/synapse.sh up` starts on this machine, read from the environment file the
/// script writes.
///
/// The file is `DORMOUSE_SYNAPSE_ENV`, by default `.build/synapse/synapse.env` under the current directory. The
/// tests that need it skip when it is absent, and fail when `DORMOUSE_REQUIRE_SYNAPSE=1` (set by `make test`).
package struct SynapseFixture: Sendable {
    package static let environment = ProcessInfo.processInfo.environment
    package static let path = environment["DORMOUSE_SYNAPSE_ENV"] ?? ".build/synapse/synapse.env"
    package static let required = environment["DORMOUSE_REQUIRE_SYNAPSE"] == "1"

    /// Whether the Synapse tests run: Synapse is required, or its environment file exists.
    package static var enabled: Bool { required || FileManager.default.fileExists(atPath: path) }
    /// Why the Synapse tests are skipped when they are.
    package static let skipReason: Comment = "no Synapse: run scripts/synapse.sh up (or set DORMOUSE_SYNAPSE_ENV)"

    /// The variables of the environment file.
    package let values: [String: String]

    /// Reads the environment file; throws a clear error when it is missing (Synapse is required).
    package static func load() throws -> SynapseFixture {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw SynapseUnavailable("no \(path): run scripts/synapse.sh up (DORMOUSE_REQUIRE_SYNAPSE=1)")
        }
        return SynapseFixture(values: ClusterFixture.parse(text))
    }

    package func value(_ key: String) throws -> String {
        guard let value = values[key], !value.isEmpty else { throw SynapseUnavailable("\(Self.path) lacks \(key)") }
        return value
    }

    package var homeserverURL: String { get throws { try value("MATRIX_HOMESERVER_URL") } }
    /// The main bot's token (the one the daemon and the benchmark use).
    package var botToken: String { get throws { try value("MATRIX_ACCESS_TOKEN") } }
    /// The room every bot and the reader are in, by id and by alias.
    package var room: String { get throws { try value("MATRIX_DEFAULT_ROOM") } }
    package var roomAlias: String { get throws { try value("MATRIX_DEFAULT_ROOM_ALIAS") } }
    /// A user who only reads, as a client would.
    package var readerToken: String { get throws { try value("MATRIX_READER_TOKEN") } }
    /// A second device of the main bot, for a test to revoke.
    package var spareToken: String { get throws { try value("MATRIX_SPARE_TOKEN") } }
    /// A room the bots are not in.
    package var foreignRoom: String { get throws { try value("MATRIX_FOREIGN_ROOM") } }

    /// The token of test bot `number` (1...5): Synapse limits messages per user, so test groups do not share one.
    package func testBotToken(_ number: Int) throws -> String {
        let tokens = try value("MATRIX_BOT_TOKENS").split(separator: " ").map(String.init)
        guard tokens.indices.contains(number - 1) else { throw SynapseUnavailable("no test bot \(number)") }
        return tokens[number - 1]
    }
}

/// The Synapse environment file is missing or incomplete.
package struct SynapseUnavailable: Error, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}
