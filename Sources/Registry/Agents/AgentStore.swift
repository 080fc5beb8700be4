import Foundation
import GRDB

/// An agent as stored: its definition and the row id that identifies this declaration of the name.
package struct StoredAgent: Sendable, Hashable {
    /// Changes when an agent is deleted and declared again under the same name.
    package var id: Int64
    package var definition: AgentDefinition {
        didSet {
            definitionJSON = Self.encode(definition)
            jsonPrefix = makeJSONPrefix()
        }
    }
    /// The definition as JSON with sorted keys: what the database keeps and the API shows.
    package private(set) var definitionJSON: String
    /// Epoch milliseconds.
    package var createdAt: Int64
    package var updatedAt: Int64 {
        didSet { jsonPrefix = makeJSONPrefix() }
    }
    /// The API object's unchanging part: the definition's members, `created_at` and `updated_at`, unclosed.
    private(set) var jsonPrefix = ""

    init(id: Int64, definition: AgentDefinition, createdAt: Int64, updatedAt: Int64) {
        self.id = id
        self.definition = definition
        self.definitionJSON = Self.encode(definition)
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.jsonPrefix = makeJSONPrefix()
    }

    private func makeJSONPrefix() -> String {
        String(definitionJSON.dropLast()) + ",\"created_at\":\(createdAt),\"updated_at\":\(updatedAt)"
    }

    static func encode(_ definition: AgentDefinition) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a definition (strings, numbers, arrays) cannot fail.
        return (try? encoder.encode(definition)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}

/// The `agents` table.
struct AgentStore: Sendable {
    let database: DatabasePool

    func all() async throws -> [StoredAgent] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM agents ORDER BY name").map(Self.agent(from:))
        }
    }

    /// Inserts a new agent; throws `.nameTaken` if the name is in use.
    func insert(_ definition: AgentDefinition, at now: Int64) async throws -> StoredAgent {
        let json = StoredAgent.encode(definition)
        do {
            let id = try await database.write { db in
                try db.execute(
                    sql: "INSERT INTO agents (name, definition_json, created_at, updated_at) VALUES (?, ?, ?, ?)",
                    arguments: [definition.name, json, now, now])
                return db.lastInsertedRowID
            }
            return StoredAgent(id: id, definition: definition, createdAt: now, updatedAt: now)
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw RegistryError(.nameTaken, "an agent named \"\(definition.name)\" already exists")
        }
    }

    func update(_ agent: StoredAgent) async throws {
        let json = agent.definitionJSON
        try await database.write { db in
            try db.execute(
                sql: "UPDATE agents SET definition_json = ?, updated_at = ? WHERE id = ?",
                arguments: [json, agent.updatedAt, agent.id])
        }
    }

    func delete(id: Int64) async throws {
        try await database.write { db in try db.execute(sql: "DELETE FROM agents WHERE id = ?", arguments: [id]) }
    }

    private static func agent(from row: Row) throws -> StoredAgent {
        let json: String = row["definition_json"]
        return StoredAgent(
            id: row["id"], definition: try JSONDecoder().decode(AgentDefinition.self, from: Data(json.utf8)),
            createdAt: row["created_at"], updatedAt: row["updated_at"])
    }
}
