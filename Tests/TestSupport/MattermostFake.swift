import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A Mattermost server for tests and benchmarks: a real HTTP server on loopback (an ephemeral port) that answers
/// the REST v4 calls Dormouse makes the way the Mattermost server source does (see `MattermostFake+Routes.swift`).
///
/// It starts with one team, one channel in it and a bot user (the token's owner) in both. Tests script failures
/// (`failNext`, `startOutage`, `rateLimit`), read every request and post with its edit history, and await
/// conditions (`waitFor`) instead of sleeping. Time is the wall clock plus `advanceClock(by:)`.
package final class MattermostFake: Sendable {
    /// The token a request must carry as `Authorization: Bearer <token>`.
    package let token: String
    /// The team the fake starts with; the bot is a member.
    package let teamID: String
    /// An open channel of `teamID` the fake starts with; the bot is a member.
    package let channelID: String
    /// The bot user who owns `token`.
    package let botUserID: String

    let state: Mutex<State>
    let clock: @Sendable () -> Date
    private let logger: Logger
    private let server = Mutex<(task: Task<Void, Never>?, port: Int?)>((nil, nil))

    /// `now` is the wall clock the fake reads (before `advanceClock(by:)`); `logger` is the HTTP server's.
    package init(
        token: String = "fake-bot-token", now: @escaping @Sendable () -> Date = { Date() }, logger: Logger? = nil
    ) {
        var state = State()
        let botUserID = state.addUser(username: "dormouse-bot", isBot: true)
        state.botUserID = botUserID
        let teamID = state.addTeam(name: "dormouse", botIsMember: true)
        self.token = token
        self.botUserID = botUserID
        self.teamID = teamID
        self.channelID = state.addChannel(teamID: teamID, name: "town-square", type: "O", members: [botUserID])
        self.state = Mutex(state)
        self.clock = now
        self.logger =
            logger
            ?? {
                var logger = Logger(label: "mattermost-fake")
                logger.logLevel = .critical
                return logger
            }()
    }

    /// The fake's current time: the clock passed to `init` plus every `advanceClock(by:)`.
    package var now: Date { state.withLock { clock().addingTimeInterval($0.clockOffset) } }

    /// Moves the fake's time forward (pending-post window, edit time limit, rate limit refill, timestamps).
    package func advanceClock(by duration: Duration) {
        state.withLock { $0.clockOffset += Self.seconds(duration) }
    }

    /// The port the server listens on; 0 before `start()`.
    package var port: Int { server.withLock { $0.port ?? 0 } }

    /// `http://127.0.0.1:<port>`, the base URL to give a poster.
    package var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Starts the HTTP server on 127.0.0.1 and an ephemeral port; returns once it listens.
    package func start() async throws {
        let (ports, portsContinuation) = AsyncStream.makeStream(of: Int.self)
        let responder = CallbackResponder<BasicRequestContext> { [self] request, _ in
            await self.respond(to: request)
        }
        let app = Application(
            responder: responder,
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "mattermost-fake"),
            onServerRunning: { channel in portsContinuation.yield(channel.localAddress?.port ?? 0) },
            logger: logger)
        let task = Task {
            try? await app.run()
            portsContinuation.finish()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            task.cancel()
            throw MattermostFakeError.notListening
        }
        server.withLock { $0 = (task, port) }
    }

    /// Stops the server and waits until it has closed its connections.
    package func stop() async {
        let task = server.withLock { server in
            defer { server.task = nil }
            return server.task
        }
        task?.cancel()
        await task?.value
    }

    /// Runs `body` with a started fake, stopped afterwards (also when `body` throws).
    package static func withRunning<T>(
        token: String = "fake-bot-token", now: @escaping @Sendable () -> Date = { Date() },
        _ body: (MattermostFake) async throws -> T
    ) async throws -> T {
        let fake = MattermostFake(token: token, now: now)
        try await fake.start()
        do {
            let result = try await body(fake)
            await fake.stop()
            return result
        } catch {
            await fake.stop()
            throw error
        }
    }

    // MARK: Fixtures

    /// Adds a (human) user the bot can open a direct channel with; returns its id.
    @discardableResult
    package func addUser(username: String = "user") -> String {
        state.withLock { $0.addUser(username: username, isBot: false) }
    }

    /// Adds a team; returns its id.
    @discardableResult
    package func addTeam(name: String, botIsMember: Bool = true) -> String {
        state.withLock { $0.addTeam(name: name, botIsMember: botIsMember) }
    }

    /// Takes the bot out of every team (a bot in no team cannot search).
    package func removeBotFromTeams() {
        state.withLock { $0.botTeams = [] }
    }

    /// Adds an open channel to a team (the fake's own by default), with the bot as a member; returns its id.
    @discardableResult
    package func addChannel(teamID: String? = nil, name: String = "channel") -> String {
        state.withLock { state in
            state.addChannel(teamID: teamID ?? self.teamID, name: name, type: "O", members: [state.botUserID])
        }
    }

    static func seconds(_ duration: Duration) -> TimeInterval {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
