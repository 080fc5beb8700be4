import AsyncHTTPClient
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import TestSupport
import Testing

@testable import Watcher

/// The watcher daemon end to end, in-process: a real `WatchEngine` over temporary transcript roots, a real
/// `ChatRelay` on the wall clock and a `MattermostPoster` (or `SlackPoster`) speaking HTTP to a started fake, joined by
/// `WatchDaemon` in a `ServiceGroup` (so `stop()` is the graceful shutdown `dormouse watch` does on SIGTERM).
///
/// The engine's poll timer runs on a test clock that never moves: only inotify drives it, so a test knows when
/// the startup scan is over (the poll timer sleeps) and every later file is new. Idle timeouts never fire;
/// sessions end with a `system/turn_duration` line.
struct DaemonHarness {
    static let project = "claude/-home-me-projects-demo"
    static let turnEnded = Data(#"{"type":"system","subtype":"turn_duration","durationMs":5}"#.utf8)

    let directory: TemporaryDirectory
    let engineClock = TestClock()
    let engine: WatchEngine
    let relay: ChatRelay
    let recorder = UpdateRecorder()
    private let client: HTTPClient
    private let group: ServiceGroup
    private let running: Task<Void, any Error>
    private let recording: Task<Void, Never>
    /// One parser per transcript, mirroring the engine's, to know which lines make it publish.
    private let parsers = Parsers()

    /// Starts the daemon posting to a Mattermost fake (see the designated initializer below).
    init(
        directory: TemporaryDirectory, fake: MattermostFake,
        configure: (inout ChatRelayConfiguration) -> Void = { _ in }
    ) async throws {
        let client = MattermostPoster.makeHTTPClient()
        let poster = MattermostPoster(
            baseURL: fake.baseURL, token: fake.token, httpClient: client, logger: Self.logger)
        try await self.init(
            directory: directory, poster: poster, client: client, defaultChannel: fake.channelID, configure: configure)
    }

    /// Starts the daemon posting to a Slack fake (see the designated initializer below).
    init(
        directory: TemporaryDirectory, slack fake: SlackFake,
        configure: (inout ChatRelayConfiguration) -> Void = { _ in }
    ) async throws {
        let client = SlackPoster.makeHTTPClient()
        let poster = SlackPoster(apiURL: fake.apiURL, token: fake.token, httpClient: client, logger: Self.logger)
        try await self.init(
            directory: directory, poster: poster, client: client, defaultChannel: fake.channelID, configure: configure)
    }

    static var logger: Logger {
        var logger = Logger(label: "daemon-e2e")
        logger.logLevel = .warning
        return logger
    }

    /// Starts the daemon over `directory` (offsets and post ids persisted there) with `poster` (whose HTTP
    /// `client` `stop()` closes) and returns after its startup scan. `configure` adjusts the relay: by default edits
    /// are throttled to 150 ms and retries start at 50 ms.
    init(
        directory: TemporaryDirectory, poster: some ChatPoster, client: HTTPClient, defaultChannel: String,
        configure: (inout ChatRelayConfiguration) -> Void = { _ in }
    ) async throws {
        self.directory = directory
        _ = try directory.makeDirectory(Self.project)
        _ = try directory.makeDirectory("openclaw")
        let logger = Self.logger
        let watcher = WatcherConfiguration(
            openClawRoot: directory.file("openclaw"), claudeProjectsRoot: directory.file("claude"),
            offsetsFile: directory.file("offsets.json"))
        var relayConfiguration = ChatRelayConfiguration(
            defaultChannel: defaultChannel, postsFile: directory.file("posts.json"))
        relayConfiguration.throttle = .milliseconds(150)
        relayConfiguration.retryBaseDelay = .milliseconds(50)
        relayConfiguration.retryMaxDelay = .milliseconds(200)
        relayConfiguration.shutdownFlushTimeout = .seconds(5)
        configure(&relayConfiguration)
        self.client = client
        engine = WatchEngine(configuration: watcher, clock: engineClock, fileIO: NIOThreadPoolFileIO(), logger: logger)
        relay = ChatRelay(
            configuration: relayConfiguration, poster: poster,
            formatter: StatusFormatter(settings: watcher.formatterSettings),
            clock: ContinuousClock(), fileIO: NIOThreadPoolFileIO(), logger: logger)
        let updates = engine.updates()
        let recorder = recorder
        recording = Task { for await update in updates { await recorder.record(update) } }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [WatchDaemon(engine: engine, relay: relay)], logger: logger))
        self.group = group
        running = Task { try await group.run() }
        await engineClock.waitForSleepers()
    }

    /// Stops gracefully (the relay marks open posts interrupted and flushes), then closes the HTTP client.
    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await running.value
        await recording.value
        try await client.shutdown()
    }

    /// The transcript of a top-level Claude Code session; its key is `claude:<session>`.
    func transcript(_ session: String) -> String { directory.file("\(Self.project)/\(session).jsonl") }

    /// The transcript of a sub-agent of `session`, its folder created.
    func subagent(_ agent: String, of session: String) throws -> String {
        let folder = try directory.makeDirectory("\(Self.project)/\(session)/subagents")
        return "\(folder)/agent-\(agent).jsonl"
    }

    /// Appends `lines` one at a time to `path`; after each line the model uses, waits until the engine published
    /// the top-level session `root` (so lines arrive over time, at the engine's pace). False if one never came.
    func feed(_ lines: [Data], to path: String, root: String) async throws -> Bool {
        for line in lines {
            let published = await recorder.count(of: root)
            try append(lines: [line], to: path)
            guard case .events(let events) = parsers.parse(line, of: path),
                !events.isEmpty
            else { continue }
            guard await recorder.waitFor(published + 1, of: root) else { return false }
        }
        return true
    }

    /// The live post of a session, found by the marker in its props.
    static func post(of key: String, in snapshot: MattermostFake.Snapshot) -> MattermostFake.Post? {
        let marker = StatusBox.marker(for: key)
        return snapshot.posts.last { !$0.isDeleted && $0.props["dormouse_marker"]?.stringValue == marker }
    }
}

/// A Claude Code parser per transcript path, shared by the copies of a harness.
private final class Parsers: Sendable {
    private let parsers = Mutex<[String: TranscriptParser]>([:])

    func parse(_ line: Data, of path: String) -> TranscriptParser.Outcome {
        parsers.withLock { $0[path, default: TranscriptParser(format: .claudeCode)].parse(line) }
    }
}
