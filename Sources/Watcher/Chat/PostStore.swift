import Foundation

/// Persists each open status box's post as one JSON file beside the tail offsets, replaced atomically
/// (`Data.write` with `.atomic`). Blocking file I/O: the relay calls it on its blocking-I/O executor.
struct PostStore: Sendable {
    /// Where one session's status post lives.
    struct Record: Sendable, Codable, Equatable {
        var postID: String
        var channelID: String
        var marker: String

        enum CodingKeys: String, CodingKey {
            case postID = "post_id"
            case channelID = "channel_id"
            case marker
        }
    }

    /// What loading found.
    enum Loaded: Sendable, Equatable {
        case records([String: Record])
        /// No file, or one that cannot be read: post ids may have been lost, so posts are looked up by marker.
        case lost
    }

    let url: URL

    func load() -> Loaded {
        guard let data = try? Data(contentsOf: url),
            let records = try? JSONDecoder().decode([String: Record].self, from: data)
        else { return .lost }
        return .records(records)
    }

    func save(_ records: [String: Record]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        do {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try encoder.encode(records).write(to: url, options: .atomic)
        } catch {
            throw WatcherError.stateUnwritable(path: url.path, reason: "\(error)")
        }
    }
}
