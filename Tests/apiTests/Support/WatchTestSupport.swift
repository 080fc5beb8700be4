import Foundation
import Logging
import Synchronization
import TestSupport
import Testing
import Watcher

@testable import WatchDaemon

/// A chat server that is never reachable: every call fails as a network error.
struct UnreachableChatPoster: ChatPoster {
    let maxMessageCharacters = 16_000
    let chat = "mattermost"

    func channelID(for target: ChatDestination.Target) async throws(ChatError) -> String {
        throw .network("unreachable in tests")
    }

    func create(
        _ message: ChatMessage, channelID: String, rootID: String?, pendingID: String
    ) async throws(ChatError) -> ChatPost {
        throw .network("unreachable in tests")
    }

    func edit(postID: String, with message: ChatMessage) async throws(ChatError) -> ChatPost {
        throw .network("unreachable in tests")
    }

    func findPost(marker: String, channelID: String) async throws(ChatError) -> ChatPost? {
        throw .network("unreachable in tests")
    }

    func checkConnection() async throws(ChatError) {
        throw .network("unreachable in tests")
    }
}

/// Keeps every worker wake delivered to it and lets a test await the n-th one.
final class WakeRecorder: Sendable {
    private let recorded = Mutex<[WorkerWake]>([])
    private let changes = ChangeSignal()

    func record(_ wake: WorkerWake) {
        recorded.withLock { $0.append(wake) }
        changes.notify()
    }

    /// Every wake so far, once there are at least `count`; when there are not within `limit`, the test fails at
    /// the caller's line and the wakes so far are returned.
    func wakes(
        _ count: Int, within limit: Duration = .seconds(30), sourceLocation: SourceLocation = #_sourceLocation
    ) async -> [WorkerWake] {
        let wakes = { self.recorded.withLock { $0 } }
        return await changes.expect(within: limit, sourceLocation: sourceLocation) {
            let all = wakes()
            return all.count >= count ? all : nil
        } ?? wakes()
    }
}

/// A temporary folder with empty transcript roots, for a watcher that finds no sessions.
struct WatchFolder: Sendable {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("dormouse-watch-\(UUID().uuidString)")

    init() throws {
        for name in ["openclaw", "claude"] {
            try FileManager.default.createDirectory(
                at: url.appendingPathComponent(name), withIntermediateDirectories: true)
        }
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// The watcher's variables pointing at this folder (no Mattermost).
    var environment: [String: String] {
        [
            "TRANSCRIPT_DIR": path("openclaw"), "CLAUDE_PROJECTS_DIR": path("claude"),
            "WATCH_STATE_FILE": path("state/watch-offsets.json"), "PID_FILE": path("run/watch.pid"),
        ]
    }

    /// An assembly over this folder that posts nowhere.
    func assembly(deliverWakes: (@Sendable (WorkerWake) async -> Void)? = nil) throws -> WatchAssembly {
        let settings = try WatcherEnvironment.settings(from: environment.merging(["HOME": url.path]) { a, _ in a })
        return WatchAssembly(
            watcher: settings.watcher, relay: settings.relay, poster: UnreachableChatPoster(),
            clock: ContinuousClock(), logger: TestApp.logger, deliverWakes: deliverWakes)
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}
