import Foundation
import Synchronization
import TestSupport
import Testing
import Watcher

/// An in-memory `ChatPoster` for relay unit tests: keeps posts, records every call, fails on a script, and
/// lets a test await a number of calls instead of sleeping.
final class RecordingPoster: ChatPoster, Sendable {
    /// One call the relay made.
    struct Call: Sendable, Equatable {
        enum Kind: Sendable, Equatable { case channel, create, edit, find }
        var kind: Kind
        var postID: String?
        var text: String?
        var status: String?
        var pendingID: String?
    }

    private struct State {
        var calls: [Call] = []
        var posts: [String: ChatPost] = [:]
        var pending: [String: String] = [:]
        var failures: [ChatError] = []
        var outage: ChatError?
        var connectionRefusal: ChatError?
        var nextID = 0
    }

    private let state = Mutex(State())
    private let changes = ChangeSignal()
    let maxMessageCharacters: Int
    let chat: String
    let channelPace: Duration

    init(maxMessageCharacters: Int = 16000, chat: String = "mattermost", channelPace: Duration = .zero) {
        self.maxMessageCharacters = maxMessageCharacters
        self.chat = chat
        self.channelPace = channelPace
    }

    var calls: [Call] { state.withLock { $0.calls } }
    var writes: [Call] { calls.filter { $0.kind == .create || $0.kind == .edit } }
    var posts: [String: ChatPost] { state.withLock { $0.posts } }

    /// The next requests fail with these errors, in order.
    func fail(with errors: [ChatError]) { state.withLock { $0.failures += errors } }
    /// Every request fails with `error` until called with nil.
    func setOutage(_ error: ChatError?) { state.withLock { $0.outage = error } }
    /// The startup connection check fails with `error` until called with nil.
    func refuseConnections(_ error: ChatError?) { state.withLock { $0.connectionRefusal = error } }
    func deletePost(_ id: String) { _ = state.withLock { $0.posts.removeValue(forKey: id) } }
    func seed(_ post: ChatPost) { state.withLock { $0.posts[post.id] = post } }

    /// Returns once at least `count` calls were made in total; when they were not within `limit`, the test fails
    /// at the caller's line.
    func waitForCalls(
        _ count: Int, within limit: Duration = .seconds(30), sourceLocation: SourceLocation = #_sourceLocation
    ) async {
        _ = await changes.expect(within: limit, sourceLocation: sourceLocation) { calls.count >= count ? () : nil }
    }

    /// Not recorded as a call: relay tests count the requests that carry posts.
    func checkConnection() async throws(ChatError) {
        if let refusal = state.withLock({ $0.connectionRefusal }) { throw refusal }
    }

    func channelID(for target: ChatDestination.Target) async throws(ChatError) -> String {
        try record(Call(kind: .channel))
        switch target {
        case .channel(let id): return id
        case .user(let id): return "direct-\(id)"
        }
    }

    func create(
        _ message: ChatMessage, channelID: String, rootID: String?, pendingID: String
    ) async throws(ChatError) -> ChatPost {
        try record(Call(kind: .create, text: message.text, status: message.status, pendingID: pendingID))
        return state.withLock { state in
            if let id = state.pending[pendingID], let post = state.posts[id] { return post }
            state.nextID += 1
            let post = ChatPost(
                id: "post\(state.nextID)", channelID: channelID, message: message.text, marker: message.marker,
                status: message.status)
            state.posts[post.id] = post
            state.pending[pendingID] = post.id
            return post
        }
    }

    func edit(postID: String, with message: ChatMessage) async throws(ChatError) -> ChatPost {
        try record(Call(kind: .edit, postID: postID, text: message.text, status: message.status))
        let post: ChatPost? = state.withLock { state in
            guard var post = state.posts[postID] else { return nil }
            post.message = message.text
            post.status = message.status
            state.posts[postID] = post
            return post
        }
        guard let post else { throw .postMissing(status: 403, detail: "api.context.permissions.app_error") }
        return post
    }

    func findPost(marker: String, channelID: String) async throws(ChatError) -> ChatPost? {
        try record(Call(kind: .find))
        return state.withLock { state in
            state.posts.values.filter { $0.marker == marker && $0.channelID == channelID }.max { $0.id < $1.id }
        }
    }

    private func record(_ call: Call) throws(ChatError) {
        let failure = state.withLock { state in
            state.calls.append(call)
            return state.outage ?? (state.failures.isEmpty ? nil : state.failures.removeFirst())
        }
        changes.notify()
        if let failure { throw failure }
    }
}
