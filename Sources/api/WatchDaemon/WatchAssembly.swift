import Logging
import ServiceLifecycle
import Watcher

/// The watcher daemon's parts wired together once: the engine feeds one chat relay per configured chat (each over
/// its poster), the wake feed carries worker wakes to every relay, and the health controller reads them all.
/// `dormouse watch` and `serve --watch` build it the same way; tests pass posters of their own.
package struct WatchAssembly: Sendable {
    package let engine: WatchEngine
    /// One per chat, the primary (first configured) chat's first.
    package let relays: [ChatRelay]
    package let wakes: WakeFeed
    package let health: WatchHealthController
    /// Formats a session's status as its chat post shows it.
    package let formatter: StatusFormatter

    /// `chats` is never empty; `deliverWakes` receives the worker wakes instead of the relays (tests record them).
    package init(
        watcher: WatcherConfiguration, chats: [(relay: ChatRelayConfiguration, poster: any ChatPoster)],
        clock: some Clock<Duration>, logger: Logger, deliverWakes: (@Sendable (WorkerWake) async -> Void)? = nil
    ) {
        precondition(!chats.isEmpty, "a watch assembly needs at least one chat")
        let fileIO = NIOThreadPoolFileIO()
        engine = WatchEngine(configuration: watcher, clock: clock, fileIO: fileIO, logger: logger)
        let formatter = StatusFormatter(settings: watcher.formatterSettings)
        self.formatter = formatter
        let relays = chats.map { chat in
            var logger = logger
            logger[metadataKey: "chat"] = "\(chat.poster.chat)"
            return ChatRelay(
                configuration: chat.relay, poster: chat.poster, formatter: formatter, clock: clock, fileIO: fileIO,
                logger: logger)
        }
        self.relays = relays
        wakes =
            deliverWakes.map { WakeFeed(deliver: $0) }
            ?? WakeFeed { wake in for relay in relays { await relay.noteWake(wake) } }
        health = WatchHealthController(engine: engine, relays: relays.map { ($0.chat, $0) })
    }

    /// One chat.
    package init(
        watcher: WatcherConfiguration, relay configuration: ChatRelayConfiguration, poster: any ChatPoster,
        clock: some Clock<Duration>, logger: Logger, deliverWakes: (@Sendable (WorkerWake) async -> Void)? = nil
    ) {
        self.init(
            watcher: watcher, chats: [(configuration, poster)], clock: clock, logger: logger,
            deliverWakes: deliverWakes)
    }

    /// The primary chat's relay.
    package var relay: ChatRelay { relays[0] }

    /// What each open status post says, by session key; where several chats post a session, the primary's text.
    package func postTexts() async -> [String: String] {
        var texts: [String: String] = [:]
        for relay in relays.reversed() { texts.merge(await relay.postTexts()) { _, primary in primary } }
        return texts
    }

    /// The services, in start order; shutdown runs in reverse, so wakes stop first, then the daemon stops the
    /// engine and lets every relay mark its open posts interrupted and flush.
    package var services: [any Service] {
        [WatchDaemon(engine: engine, relays: relays), wakes]
    }
}
