import DormouseClient
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

    /// A payload: the text parsed as JSON when it is valid JSON, else sent as a JSON string. JSON nested
    /// past the server's limit is refused here rather than sent as a string by surprise.
    static func payload(_ text: String) throws -> JSONValue {
        switch Result(catching: { () throws(JSONParseError) in try JSONValue.parse(text) }) {
        case .success(let value): return value
        case .failure(let error) where error.isTooDeep: throw CLIError.invalidInput("the payload is \(error)")
        case .failure: return .string(text)
        }
    }
}
