import Logging
import ServiceLifecycle
import Watcher

/// The watcher daemon's parts wired together once: the engine feeds the chat relay (over a poster), the wake
/// feed carries worker wakes to the relay, and the health controller reads both. `dormouse watch` and
/// `serve --watch` build it the same way; tests pass a poster of their own.
package struct WatchAssembly: Sendable {
    package let engine: WatchEngine
    package let relay: ChatRelay
    package let wakes: WakeFeed
    package let health: WatchHealthController
    /// Formats a session's status as its chat post shows it.
    package let formatter: StatusFormatter

    /// `deliverWakes` receives the worker wakes instead of the relay (tests record them).
    package init(
        watcher: WatcherConfiguration, relay configuration: ChatRelayConfiguration, poster: any ChatPoster,
        clock: some Clock<Duration>, logger: Logger, deliverWakes: (@Sendable (WorkerWake) async -> Void)? = nil
    ) {
        let fileIO = NIOThreadPoolFileIO()
        engine = WatchEngine(configuration: watcher, clock: clock, fileIO: fileIO, logger: logger)
        formatter = StatusFormatter(settings: watcher.formatterSettings)
        relay = ChatRelay(
            configuration: configuration, poster: poster, formatter: formatter,
            clock: clock, fileIO: fileIO, logger: logger)
        wakes = deliverWakes.map { WakeFeed(deliver: $0) } ?? WakeFeed(relay: relay)
        health = WatchHealthController(engine: engine, relay: relay)
    }

    /// The services, in start order; shutdown runs in reverse, so wakes stop first, then the daemon stops the
    /// engine and lets the relay mark every open post interrupted and flush.
    package var services: [any Service] {
        [WatchDaemon(engine: engine, relay: relay), wakes]
    }
}
