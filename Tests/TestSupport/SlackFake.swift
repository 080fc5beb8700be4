import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A Slack Web API for tests: a real HTTP server on loopback (an ephemeral port) that answers the methods Dormouse
/// calls the way Slack documents them (see `docs/slack-contract.md` and `SlackFake+Methods.swift`).
///
/// It starts with a bot user (the token's owner), a channel the bot is in (`channelID`), a channel it is not in
/// (`outsideChannelID`) and a user to open a direct conversation with (`userID`). Tests script failures
/// (`failNext`, `startOutage`), change the limits (`postingLimit`, `updateLimit`, `textLimit`), read every request
/// and message with its edit history, and await conditions (`waitFor`) instead of sleeping. Time is the clock
/// passed to `init` plus `advanceClock(by:)`.
package final class SlackFake: Sendable {
    /// The bot token a request must carry as `Authorization: Bearer <token>`.
    package let token: String
    /// The bot user who owns `token`.
    package let botUserID: String
    /// A public channel the bot is a member of.
    package let channelID: String
    /// A public channel the bot is not a member of.
    package let outsideChannelID: String
    /// A human user the bot can open a direct conversation with.
    package let userID: String

    let state: Mutex<State>
    let clock: @Sendable () -> Date
    private let logger: Logger
    private let server = Mutex<(task: Task<Void, Never>?, port: Int?)>((nil, nil))

    /// `now` is the clock the fake reads (before `advanceClock(by:)`); `logger` is the HTTP server's.
    package init(
        token: String = "xoxb-fake-token", now: @escaping @Sendable () -> Date = { Date() }, logger: Logger? = nil
    ) {
        var state = State()
        let botUserID = state.addUser(isBot: true)
        state.botUserID = botUserID
        let userID = state.addUser(isBot: false)
        self.botUserID = botUserID
        self.userID = userID
        self.channelID = state.addChannel(prefix: "C", name: "general", members: [botUserID, userID])
        self.outsideChannelID = state.addChannel(prefix: "C", name: "random", members: [userID])
        self.token = token
        self.state = Mutex(state)
        self.clock = now
        self.logger =
            logger
            ?? {
                var logger = Logger(label: "slack-fake")
                logger.logLevel = .critical
                return logger
            }()
    }

    /// The fake's current time: the clock passed to `init` plus every `advanceClock(by:)`.
    package var now: Date { state.withLock { $0.now(clock) } }

    /// Moves the fake's time forward (rate limit refill, message timestamps).
    package func advanceClock(by duration: Duration) {
        state.withLock { $0.clockOffset += Self.seconds(duration) }
    }

    /// The port the server listens on; 0 before `start()`.
    package var port: Int { server.withLock { $0.port ?? 0 } }

    /// `http://127.0.0.1:<port>/api`, the API URL to give a poster.
    package var apiURL: String { "http://127.0.0.1:\(port)/api" }

    /// Starts the HTTP server on 127.0.0.1 and an ephemeral port; returns once it listens.
    package func start() async throws {
        let (ports, portsContinuation) = AsyncStream.makeStream(of: Int.self)
        let responder = CallbackResponder<BasicRequestContext> { [self] request, _ in
            await self.respond(to: request)
        }
        let app = Application(
            responder: responder,
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "slack-fake"),
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

    // MARK: Fixtures

    /// Adds a public channel, with the bot as a member unless `botIsMember` is false; returns its id.
    @discardableResult
    package func addChannel(name: String = "channel", botIsMember: Bool = true) -> String {
        state.withLock { state in
            state.addChannel(prefix: "C", name: name, members: botIsMember ? [state.botUserID] : [])
        }
    }

    /// Adds a human user; returns its id.
    @discardableResult
    package func addUser() -> String { state.withLock { $0.addUser(isBot: false) } }

    /// Revokes the token: every later call answers `token_revoked`.
    package func revokeToken() { state.withLock { $0.tokenRevoked = true } }

    /// Deletes a message as a user would (without a request).
    package func deleteMessage(channel: String, ts: String) {
        state.withLock { $0.messages[State.MessageKey(channel: channel, ts: ts)]?.isDeleted = true }
    }

    /// Adds a message as if someone had posted it (by `userID`, the bot when nil), without a request or rate limit.
    @discardableResult
    package func insertMessage(
        channel: String? = nil, text: String, metadata: MattermostFakeJSON? = nil, userID: String? = nil
    ) -> Message {
        state.withLock { state in
            state.insert(
                channel: channel ?? channelID, user: userID ?? state.botUserID, text: text, threadTS: nil,
                metadata: metadata, at: state.now(clock))
        }
    }

    static func seconds(_ duration: Duration) -> TimeInterval {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
