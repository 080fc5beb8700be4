/// Where a session's status should be posted in chat.
public struct ChatRoute: Sendable, Equatable, Codable {
    public var channel: String
    public var to: String?
    public var threadID: String?

    public init(channel: String, to: String? = nil, threadID: String? = nil) {
        self.channel = channel
        self.to = to
        self.threadID = threadID
    }
}

/// The life status of a session.
public enum SessionStatus: String, Sendable, Equatable, Codable {
    case active
    case done
    case error
    case interrupted
}

/// What discovery knows about a session before any transcript line is read.
public struct SessionDescriptor: Sendable, Equatable {
    public var key: String
    public var format: TranscriptParser.Format
    public var agent: String
    public var label: String?
    public var transcriptPath: String
    public var parentKey: String?
    public var spawnDepth: Int?
    public var route: ChatRoute?
    /// OpenClaw `updatedAt` (ms); a newer value is proof of a new turn.
    public var updatedAt: Int64?
    /// Whether OpenClaw's `<transcript>.lock` exists, i.e. a turn is running.
    public var isLocked: Bool

    public init(
        key: String, format: TranscriptParser.Format, agent: String, label: String? = nil, transcriptPath: String,
        parentKey: String? = nil, spawnDepth: Int? = nil, route: ChatRoute? = nil, updatedAt: Int64? = nil,
        isLocked: Bool = false
    ) {
        self.key = key
        self.format = format
        self.agent = agent
        self.label = label
        self.transcriptPath = transcriptPath
        self.parentKey = parentKey
        self.spawnDepth = spawnDepth
        self.route = route
        self.updatedAt = updatedAt
        self.isLocked = isLocked
    }
}

/// The live state of one session; times are durations on the engine's clock.
public struct SessionState: Sendable, Equatable {
    public var descriptor: SessionDescriptor
    public var status: SessionStatus
    public var startedAt: Duration
    public var lastActivityAt: Duration
    public var completedAt: Duration?
    /// The last activity lines, oldest first.
    public var activity: [String] = []
    public var tokens = TokenUsage()
    /// Tool calls without a result yet: call id → label.
    public var pendingTools: [String: String] = [:]
    /// Child session keys in the order they were linked.
    public var children: [String] = []
    public var toolCalls = 0
    public var errors = 0
    /// How the current turn ended, if the transcript said so.
    public var turnOutcome: TurnOutcome?
    /// Whether the watcher found this session when it started (so it may have posted about it before a restart).
    public var foundAtStartup = false

    public var key: String { descriptor.key }
    public var displayName: String { descriptor.label ?? descriptor.agent }

    public init(descriptor: SessionDescriptor, status: SessionStatus, at now: Duration) {
        self.descriptor = descriptor
        self.status = status
        self.startedAt = now
        self.lastActivityAt = now
        self.completedAt = status == .active ? nil : now
    }
}

/// A session and its children, nested to a depth, ready to format or post.
public struct SessionSnapshot: Sendable, Equatable {
    public var state: SessionState
    public var children: [SessionSnapshot]
    /// Descendants below the depth limit, counted but not included.
    public var hiddenDescendants: Int
    /// The time of the engine's clock when the snapshot was taken.
    public var takenAt: Duration

    public init(state: SessionState, children: [SessionSnapshot] = [], hiddenDescendants: Int = 0, takenAt: Duration) {
        self.state = state
        self.children = children
        self.hiddenDescendants = hiddenDescendants
        self.takenAt = takenAt
    }
}
