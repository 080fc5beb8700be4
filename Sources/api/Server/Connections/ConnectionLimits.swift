/// How long a connection may take to send a request head or sit idle, and how many may be open at once.
package struct ConnectionLimits: Sendable, Equatable {
    /// A request head must arrive whole within this of the connection's opening, or of its first byte on a
    /// kept-alive connection; a trickling client (slowloris) is closed when it runs out.
    package var headerTimeout: Duration = .seconds(10)
    /// A kept-alive connection with no request under way is closed after this. A response being written
    /// (an event stream) is never cut.
    package var idleTimeout: Duration = .seconds(60)
    /// Connections open at once; one more is answered 503 and closed. `nil`: half the open-file limit, at
    /// most 4,096 (see `defaultMaxConnections`).
    package var maxConnections: Int?

    /// The cap when none is configured: half of `openFileLimit` (the rest is for the database, the engine
    /// client, the watcher and the refusals themselves), at least 8 and at most 4,096.
    package static func defaultMaxConnections(openFileLimit: Int) -> Int {
        min(4_096, max(8, openFileLimit / 2))
    }

    /// `maxConnections`, else the default for the open-file limit in force now.
    package func resolvedMaxConnections() -> Int {
        maxConnections ?? Self.defaultMaxConnections(openFileLimit: FileDescriptorLimit.current()?.soft ?? 1_024)
    }
}
