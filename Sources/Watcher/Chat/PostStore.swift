import Foundation

/// Persists each open status box's post as one JSON file beside the tail offsets, replaced atomically
/// (`StateFile`). Blocking file I/O: the relay calls it on its blocking-I/O executor.
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
        StateFile.read([String: Record].self, from: url).map(Loaded.records) ?? .lost
    }

    func save(_ records: [String: Record]) throws {
        do {
            try StateFile.write(records, to: url)
        } catch {
            throw WatcherError.stateUnwritable(path: url.path, reason: "\(error)")
        }
    }
}
