/// Where a session's status should be posted in chat.
package struct ChatRoute: Sendable, Equatable, Codable {
    package var channel: String
    package var to: String?
    package var threadID: String?

    package init(channel: String, to: String? = nil, threadID: String? = nil) {
        self.channel = channel
        self.to = to
        self.threadID = threadID
    }
}

/// The life status of a session.
package enum SessionStatus: String, Sendable, Equatable, Codable {
    case active
    case done
    case error
    case interrupted
}

/// What discovery knows about a session before any transcript line is read.
package struct SessionDescriptor: Sendable, Equatable {
    package var key: String
    package var format: TranscriptParser.Format
    package var agent: String
    package var label: String?
    package var transcriptPath: String
    package var parentKey: String?
    package var spawnDepth: Int?
    package var route: ChatRoute?
    /// OpenClaw `updatedAt` (ms); a newer value is proof of a new turn.
    package var updatedAt: Int64?
    /// Whether OpenClaw's `<transcript>.lock` exists, i.e. a turn is running.
    package var isLocked: Bool

    package init(
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
package struct SessionState: Sendable, Equatable {
    package var descriptor: SessionDescriptor
    package var status: SessionStatus
    package var startedAt: Duration
    package var lastActivityAt: Duration
    package var completedAt: Duration?
    /// The last activity lines, oldest first.
    package var activity: [String] = []
    package var tokens = TokenUsage()
    /// Tool calls without a result yet: call id → label.
    package var pendingTools: [String: String] = [:]
    /// Child session keys in the order they were linked.
    package var children: [String] = []
    package var toolCalls = 0
    package var errors = 0
    /// How the current turn ended, if the transcript said so.
    package var turnOutcome: TurnOutcome?
    /// Whether the watcher found this session when it started (so it may have posted about it before a restart).
    package var foundAtStartup = false

    package var key: String { descriptor.key }
    package var displayName: String { descriptor.label ?? descriptor.agent }

    package init(descriptor: SessionDescriptor, status: SessionStatus, at now: Duration) {
        self.descriptor = descriptor
        self.status = status
        self.startedAt = now
        self.lastActivityAt = now
        self.completedAt = status == .active ? nil : now
    }
}

/// A session and its children, nested to a depth, ready to format or post.
package struct SessionSnapshot: Sendable, Equatable {
    package var state: SessionState
    package var children: [SessionSnapshot]
    /// Descendants below the depth limit, counted but not included.
    package var hiddenDescendants: Int
    /// The time of the engine's clock when the snapshot was taken.
    package var takenAt: Duration

    package init(state: SessionState, children: [SessionSnapshot] = [], hiddenDescendants: Int = 0, takenAt: Duration) {
        self.state = state
        self.children = children
        self.hiddenDescendants = hiddenDescendants
        self.takenAt = takenAt
    }
}
