import Foundation

/// Persists tail offsets as one JSON file, replaced atomically (`StateFile`). Blocking file I/O:
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
        StateFile.read([String: Entry].self, from: url) ?? [:]
    }

    /// Replaces the stored offsets.
    package func save(_ entries: [String: Entry]) throws {
        do {
            try StateFile.write(entries, to: url)
        } catch {
            throw WatcherError.offsetsUnwritable(path: url.path, reason: "\(error)")
        }
    }
}
