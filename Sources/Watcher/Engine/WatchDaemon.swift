import ServiceLifecycle

/// The watcher daemon as one Service: the engine feeds the chat relay. On graceful shutdown the engine stops,
/// the relay marks every open box `interrupted` and flushes within its bound, then `run` returns.
package struct WatchDaemon: Service {
    package let engine: WatchEngine
    package let relay: ChatRelay

    package init(engine: WatchEngine, relay: ChatRelay) {
        self.engine = engine
        self.relay = relay
    }

    package func run() async throws {
        let updates = engine.updates()
        async let relayed: Void = relay.run(updates)
        // Only the engine is cancelled on shutdown: its update stream then ends, which lets the relay flush.
        try? await cancelWhenGracefulShutdown { try await engine.run() }
        await relayed
    }
}
