import Foundation
import Logging
import TestSupport
import Testing

@testable import Watcher

/// A chat relay on a test clock and a recording poster, fed updates directly so each is handled before the
/// next line of the test runs.
struct RelayHarness {
    let clock = TestClock()
    let poster: RecordingPoster
    let relay: ChatRelay
    private let updates: AsyncStream<SessionUpdate>.Continuation
    private let running: Task<Void, Never>

    init(
        poster: RecordingPoster = RecordingPoster(), postsFile: String? = nil, wallClock: WallClock = .system,
        configure: (inout ChatRelayConfiguration) -> Void = { _ in }
    ) async {
        var configuration = ChatRelayConfiguration(defaultChannel: "town-square", postsFile: postsFile)
        configure(&configuration)
        self.poster = poster
        let relay = ChatRelay(
            configuration: configuration, poster: poster, formatter: StatusFormatter(), clock: clock,
            wallClock: wallClock, fileIO: NIOThreadPoolFileIO(), logger: Logger(label: "relay-test"), random: { 1 })
        self.relay = relay
        let (stream, continuation) = AsyncStream.makeStream(of: SessionUpdate.self)
        updates = continuation
        running = Task { await relay.run(stream) }
        // The tests hand updates to the relay directly: not before `run` has read the posts file.
        try? await waitUntil { await relay.recordsLoaded }
    }

    /// Hands one update to the relay and returns once it was handled.
    func send(
        _ key: String, _ status: SessionStatus = .active, activity: [String] = [], route: ChatRoute? = nil,
        kind: SessionUpdate.Kind = .changed, foundAtStartup: Bool = false, agent: String = "coder"
    ) async {
        let descriptor = SessionDescriptor(
            key: key, format: .claudeCode, agent: agent, transcriptPath: "/tmp/\(key).jsonl", route: route)
        var state = SessionState(descriptor: descriptor, status: status, at: .zero)
        state.activity = activity
        state.foundAtStartup = foundAtStartup
        await relay.handle(SessionUpdate(kind: kind, key: key, snapshot: SessionSnapshot(state: state, takenAt: .zero)))
    }

    /// Ends the update stream (as the engine does when it stops) and waits for the relay to finish.
    func stop() async {
        updates.finish()
        await running.value
    }

    func advance(to milliseconds: Int) async {
        let target = Duration.milliseconds(milliseconds)
        clock.advance(by: target - clock.now.offset)
        await Task.yield()
    }

    /// Waits until a timer sleeps until `milliseconds` on the test clock.
    func waitForTimer(at milliseconds: Int) async {
        await clock.waitForSleeper(until: TestClock.Instant(offset: .milliseconds(milliseconds)))
    }
}
