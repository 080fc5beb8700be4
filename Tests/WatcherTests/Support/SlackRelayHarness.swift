import AsyncHTTPClient
import Foundation
import Logging
import TestSupport
import Testing

@testable import Watcher

/// A chat relay on a test clock with a `SlackPoster` speaking HTTP to a started `SlackFake`, fed updates directly.
///
/// Time on the relay moves only through `drive(until:)`: whenever nothing is in flight and the fake does not yet
/// show what the test waits for, the clock jumps to the relay's next timer (throttle, retry, `Retry-After`).
struct SlackRelayHarness {
    let clock = TestClock()
    let fake: SlackFake
    let relay: ChatRelay
    private let client: HTTPClient
    private let updates: AsyncStream<SessionUpdate>.Continuation
    private let running: Task<Void, Never>

    init(fake: SlackFake, configure: (inout ChatRelayConfiguration) -> Void = { _ in }) async {
        var configuration = ChatRelayConfiguration(defaultChannel: fake.channelID)
        configuration.retryBaseDelay = .milliseconds(100)
        configuration.retryMaxDelay = .seconds(1)
        configure(&configuration)
        self.fake = fake
        var logger = Logger(label: "slack-relay-test")
        logger.logLevel = .warning
        client = SlackPoster.makeHTTPClient()
        let poster = SlackPoster(apiURL: fake.apiURL, token: fake.token, httpClient: client, logger: logger)
        let relay = ChatRelay(
            configuration: configuration, poster: poster, formatter: StatusFormatter(), clock: clock,
            fileIO: NIOThreadPoolFileIO(), logger: logger, random: { 1 })
        self.relay = relay
        let (stream, continuation) = AsyncStream.makeStream(of: SessionUpdate.self)
        updates = continuation
        running = Task { await relay.run(stream) }
        try? await waitUntil { await relay.recordsLoaded }
    }

    /// Hands one update to the relay and returns once it was handled.
    func send(_ key: String, _ status: SessionStatus = .active, activity: [String]) async {
        let descriptor = SessionDescriptor(
            key: key, format: .claudeCode, agent: "coder", transcriptPath: "/tmp/\(key).jsonl", route: nil)
        var state = SessionState(descriptor: descriptor, status: status, at: .zero)
        state.activity = activity
        await relay.handle(
            SessionUpdate(kind: .changed, key: key, snapshot: SessionSnapshot(state: state, takenAt: .zero)))
    }

    /// Lets requests finish and timers fire until the fake's state satisfies `done`; false if it never did within
    /// `steps` timer jumps.
    func drive(steps: Int = 100, until done: @escaping @Sendable (SlackFake.Snapshot) -> Bool) async -> Bool {
        for _ in 0..<steps {
            await relay.waitUntilSettled()
            if done(fake.snapshot) { return true }
            // Nothing in flight and not done: a timer is armed (or about to be).
            await clock.waitForSleepers { !$0.isEmpty }
            guard let next = clock.sleeperDeadlines.min() else { return false }
            clock.advance(by: max(.zero, next.offset - clock.now.offset))
            await Task.yield()
        }
        return done(fake.snapshot)
    }

    /// Ends the update stream, waits for the relay to finish and closes the HTTP client.
    func stop() async throws {
        updates.finish()
        await running.value
        try await client.shutdown()
    }
}
