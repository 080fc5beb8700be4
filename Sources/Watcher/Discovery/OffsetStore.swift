import Foundation

/// Persists tail offsets as one JSON file, replaced atomically (`Data.write` with `.atomic`). Blocking file I/O:
/// the engine calls it on its blocking-I/O executor.
package struct OffsetStore: Sendable {
    /// A persisted position in one transcript.
    package struct Entry: Sendable, Codable, Equatable {
        package var offset: UInt64
        package var inode: UInt64?

        package init(offset: UInt64, inode: UInt64?) {
            self.offset = offset
            self.inode = inode
        }
    }

    package let url: URL

    package init(url: URL) {
        self.url = url
    }

    /// The stored offsets by transcript path; empty when the file is absent or unreadable.
    package func load() -> [String: Entry] {
        guard let data = try? Data(contentsOf: url) else { return [:] }
        return (try? JSONDecoder().decode([String: Entry].self, from: data)) ?? [:]
    }

    /// Replaces the stored offsets.
    package func save(_ entries: [String: Entry]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        do {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try encoder.encode(entries).write(to: url, options: .atomic)
        } catch {
            throw WatcherError.offsetsUnwritable(path: url.path, reason: "\(error)")
        }
    }
}
