import Synchronization

@testable import Watcher

/// A `ChatPoster` that forwards to a real one and records when each write (create, edit) started and ended and how
/// it failed, so a test can check that the relay waited what a 429 asked before writing again.
final class TimedPoster: ChatPoster {
    /// One create or edit.
    struct Write: Sendable {
        var started: ContinuousClock.Instant
        var ended: ContinuousClock.Instant
        var error: ChatError?
    }

    let base: any ChatPoster
    private let log = Mutex<[Write]>([])

    init(_ base: any ChatPoster) { self.base = base }

    var writes: [Write] { log.withLock { $0 } }

    var chat: String { base.chat }
    var channelPace: Duration { base.channelPace }
    var maxMessageCharacters: Int { base.maxMessageCharacters }
    func target(routeTo to: String) -> ChatDestination.Target? { base.target(routeTo: to) }
    func checkConnection() async throws(ChatError) { try await base.checkConnection() }

    func channelID(for target: ChatDestination.Target) async throws(ChatError) -> String {
        try await base.channelID(for: target)
    }

    func findPost(marker: String, channelID: String) async throws(ChatError) -> ChatPost? {
        try await base.findPost(marker: marker, channelID: channelID)
    }

    func create(
        _ message: ChatMessage, channelID: String, rootID: String?, pendingID: String
    ) async throws(ChatError) -> ChatPost {
        try await timed { () async throws(ChatError) in
            try await base.create(message, channelID: channelID, rootID: rootID, pendingID: pendingID)
        }
    }

    func edit(postID: String, with message: ChatMessage) async throws(ChatError) -> ChatPost {
        try await timed { () async throws(ChatError) in try await base.edit(postID: postID, with: message) }
    }

    private func timed(_ write: () async throws(ChatError) -> ChatPost) async throws(ChatError) -> ChatPost {
        let started = ContinuousClock.now
        do throws(ChatError) {
            let post = try await write()
            log.withLock { $0.append(Write(started: started, ended: .now, error: nil)) }
            return post
        } catch {
            log.withLock { $0.append(Write(started: started, ended: .now, error: error)) }
            throw error
        }
    }
}
