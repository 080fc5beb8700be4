/// Settings of the chat relay; plain values with defaults, filled from the environment by the `api` target only.
package struct ChatRelayConfiguration: Sendable {
    /// The shortest time between two edits of one post (leading edge, then one trailing flush).
    package var throttle: Duration = .milliseconds(500)
    /// Sessions holding a status box at once; the rest wait in arrival order.
    package var maxActiveSessions = 20
    /// The channel (or room) for sessions without a chat route; nil skips them (with a log line).
    package var defaultChannel: String?
    /// Whether this relay is the first configured chat's: it also takes routes that name no chat (a bare
    /// `channel:<id>`), and it reports routes to chats no relay serves (once per session, counted in health).
    package var isPrimary = true
    /// The chats other relays serve: a route to one of them is theirs, so this relay leaves the session alone.
    package var otherChats: Set<String> = []
    /// Consecutive server failures that open the circuit breaker.
    package var circuitBreakerThreshold = 5
    /// How long the circuit stays open before one probe request is let through.
    package var circuitBreakerCooldown: Duration = .seconds(30)
    /// The first retry delay after a 5xx or network error; doubled per attempt, with jitter.
    package var retryBaseDelay: Duration = .milliseconds(250)
    /// The cap on one retry delay.
    package var retryMaxDelay: Duration = .seconds(30)
    /// How long shutdown waits for the final "interrupted" edits before giving up.
    package var shutdownFlushTimeout: Duration = .seconds(10)
    /// Where post ids are persisted (JSON, replaced atomically); nil keeps them in memory only.
    package var postsFile: String?
    /// How recent a worker wake must be, before a session's box opens, to be shown in it.
    package var wakeWindow: Duration = .seconds(120)

    package init(defaultChannel: String? = nil, postsFile: String? = nil) {
        self.defaultChannel = defaultChannel
        self.postsFile = postsFile
    }
}
