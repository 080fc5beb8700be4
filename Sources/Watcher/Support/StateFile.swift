import Foundation

/// The watcher's state files (tail offsets, status post ids): sorted-key JSON, written whole into a folder made
/// on demand and replaced atomically (`Data.write` with `.atomic`). Blocking file I/O: callers run it on their
/// blocking-I/O executor.
enum StateFile {
    /// The decoded file; nil when it is absent or cannot be read or decoded.
    static func read<Value: Decodable>(_ type: Value.Type, from url: URL) -> Value? {
        guard let data = try? Data(contentsOf: url) else { return nil }
        return try? JSONDecoder().decode(type, from: data)
    }

    /// Replaces the file with `value`; throws the system's error.
    static func write(_ value: some Encodable, to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try encoder.encode(value).write(to: url, options: .atomic)
    }
}
