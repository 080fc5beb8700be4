/// One session's live status post: what it should say, what it is known to say, and when it may be edited.
struct StatusBox: Sendable {
    let key: String
    let destination: ChatDestination
    /// The hidden token that finds this post again after a restart.
    let marker: String
    /// Distinguishes this box's creates from an earlier box of the same session (a new turn within the
    /// server's 30 s idempotency window must not get the old post back).
    let nonce: UInt32
    /// The latest state of the session, with its children.
    var snapshot: SessionSnapshot
    /// What the post should say now.
    var message: ChatMessage
    var channelID: String?
    var postID: String?
    /// The text the post is known to show, or the text given up on after a refused request.
    var delivered: String?
    var inFlight = false
    /// When the last request for this post started; the throttle counts from here.
    var lastSendAt: Duration?
    var retryAt: Duration?
    /// Consecutive failed attempts, for the backoff.
    var failures = 0
    /// Whether to look the post up by marker before creating one (its id may have been lost in a restart).
    var lookUp: Bool
    /// Posts created for this box so far; numbers each create's idempotency key.
    var creates = 0
    /// The deadline a timer task is sleeping for, if any.
    var timer: Duration?
    /// The worker wake shown in the post, if the session runs on a worker Dormouse woke.
    var wake: WorkerWake?

    /// Whether the post does not show `message` yet.
    var isDirty: Bool { delivered != message.text }
    /// Whether the session's turn is over, so the box closes once its last text is delivered.
    var isFinal: Bool { snapshot.state.status != .active }

    /// The channel whose posting pace this post shares: its channel id once known, else its conversation.
    var lane: String { channelID ?? "\(destination.target)" }

    /// The idempotency key of the next create: the same for every retry of one create.
    var pendingID: String { "\(marker):\(String(nonce, radix: 16)):\(creates)" }
}

extension StatusBox {
    /// A marker derived from the session key (FNV-1a, 64 bits, in hex): stable across restarts, one searchable word
    /// (the poster writes it as `[dormouse<marker>]: #`).
    static func marker(for key: String) -> String { MarkerHash.hex(key) }
}
