import Foundation
import Registry

/// Reads what a command is given as a file or on standard input (`-`).
enum CLIInput {
    /// The bytes of `path`, or of standard input for `-`.
    static func data(_ path: String) throws -> Data {
        if path == "-" { return FileHandle.standardInput.readDataToEndOfFile() }
        guard FileManager.default.fileExists(atPath: path) else { throw CLIError.notFound("no file at \(path)") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError.other("cannot read \(path)")
        }
        return data
    }

    /// The JSON object in `path` (or standard input for `-`).
    static func object(_ path: String) throws -> [String: JSONValue] {
        let data = try data(path)
        guard case .object(let object) = try? JSONValue.parse(bytes: data) else {
            throw CLIError.invalidInput("\(path == "-" ? "standard input" : path) is not a JSON object")
        }
        return object.dictionary
    }

    /// A payload: the text parsed as JSON when it is valid JSON, else sent as a JSON string.
    static func payload(_ text: String) -> JSONValue {
        (try? JSONValue.parse(text)) ?? .string(text)
    }
}
