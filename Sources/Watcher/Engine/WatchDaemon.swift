import ServiceLifecycle

/// The watcher daemon as one Service: the engine feeds one chat relay per configured chat, each through its own
/// update stream (a slow chat never holds up another). On graceful shutdown the engine stops, every relay marks
/// its open boxes `interrupted` and flushes within its bound, then `run` returns.
package struct WatchDaemon: Service {
    package let engine: WatchEngine
    package let relays: [ChatRelay]

    package init(engine: WatchEngine, relays: [ChatRelay]) {
        self.engine = engine
        self.relays = relays
    }

    package init(engine: WatchEngine, relay: ChatRelay) {
        self.init(engine: engine, relays: [relay])
    }

    /// The first chat's relay.
    package var relay: ChatRelay { relays[0] }

    package func run() async throws {
        // Subscribed before the engine starts, so no relay misses the startup scan.
        let feeds = relays.map { ($0, engine.updates()) }
        await withDiscardingTaskGroup { group in
            for (relay, updates) in feeds { group.addTask { await relay.run(updates) } }
            // Only the engine is cancelled on shutdown: its update streams then end, which lets the relays flush.
            try? await cancelWhenGracefulShutdown { try await engine.run() }
        }
    }
}
