/// The pure reducer from discovery and transcript events to the state of every session; no I/O, no clock reads.
package struct SessionModel: Sendable {
    /// Tunables of the model.
    package struct Settings: Sendable {
        package var idleTimeout: Duration
        package var maxActivityLines: Int
        /// How long a child waits for its parent to appear before it is shown on its own.
        package var orphanTimeout: Duration
        package var labeler: ToolLabeler

        package init(
            idleTimeout: Duration = .seconds(60), maxActivityLines: Int = 20, orphanTimeout: Duration = .seconds(300),
            labeler: ToolLabeler = ToolLabeler()
        ) {
            self.idleTimeout = idleTimeout
            self.maxActivityLines = maxActivityLines
            self.orphanTimeout = orphanTimeout
            self.labeler = labeler
        }
    }

    package let settings: Settings
    package internal(set) var sessions: [String: SessionState] = [:]
    /// Children whose parent is not known yet: child key → time it was queued.
    package internal(set) var queued: [String: Duration] = [:]

    package init(settings: Settings = Settings()) {
        self.settings = settings
    }

    /// Keys of the sessions shown at the top level, i.e. without a linked parent.
    package var rootKeys: [String] {
        sessions.values.filter { $0.descriptor.parentKey == nil }.map(\.key).sorted()
    }

    /// Adds or updates a discovered session; returns the root keys whose view changed.
    package mutating func add(_ descriptor: SessionDescriptor, active: Bool, at now: Duration) -> Set<String> {
        if var existing = sessions[descriptor.key] {
            let proof = Self.isNewTurnProof(old: existing.descriptor, new: descriptor)
            let parentKey = existing.descriptor.parentKey
            existing.descriptor = descriptor
            existing.descriptor.parentKey = parentKey
            sessions[descriptor.key] = existing
            if proof && existing.status != .active { beginTurn(descriptor.key, at: now) }
            return roots(of: [descriptor.key])
        }
        sessions[descriptor.key] = SessionState(descriptor: descriptor, status: active ? .active : .done, at: now)
        var changed: Set<String> = [descriptor.key]
        if let parent = descriptor.parentKey {
            if sessions[parent] != nil {
                link(descriptor.key, to: parent)
            } else {
                queued[descriptor.key] = now
            }
        }
        for (child, _) in queued where sessions[child]?.descriptor.parentKey == descriptor.key {
            queued[child] = nil
            link(child, to: descriptor.key)
            changed.insert(child)
        }
        return roots(of: changed)
    }

    /// Removes a session that disappeared; its children become roots.
    package mutating func remove(_ key: String) -> Set<String> {
        guard let state = sessions.removeValue(forKey: key) else { return [] }
        queued[key] = nil
        var changed: Set<String> = []
        if let parent = state.descriptor.parentKey, sessions[parent] != nil {
            sessions[parent]?.children.removeAll { $0 == key }
            changed.insert(parent)
        }
        for child in state.children {
            sessions[child]?.descriptor.parentKey = nil
            changed.insert(child)
        }
        return roots(of: changed).union([key])
    }

    /// Applies parsed transcript events to a session; returns the root keys whose view changed.
    package mutating func apply(_ events: [TranscriptEvent], to key: String, at now: Duration) -> Set<String> {
        guard sessions[key] != nil, !events.isEmpty else { return [] }
        for event in events { apply(event, to: key, at: now) }
        // Only this session and its ancestors can complete because of these events.
        var chain = [key]
        while let parent = sessions[chain[chain.count - 1]]?.descriptor.parentKey, sessions[parent] != nil,
            !chain.contains(parent), queued[chain[chain.count - 1]] == nil
        {
            chain.append(parent)
        }
        return roots(of: settle(chain, at: now).union([key]))
    }

    /// Completes idle sessions, cascades completion to parents and expires queued children.
    package mutating func tick(at now: Duration) -> Set<String> {
        var changed: Set<String> = []
        for (child, since) in queued where now - since >= settings.orphanTimeout {
            queued[child] = nil
            sessions[child]?.descriptor.parentKey = nil
            changed.insert(child)
        }
        return roots(of: settle(Array(sessions.keys), at: now).union(changed))
    }

    /// The root key above a session (the session itself when it has no linked parent).
    package func rootKey(of key: String) -> String {
        var current = key
        var seen: Set<String> = [key]
        while let parent = sessions[current]?.descriptor.parentKey, queued[current] == nil, sessions[parent] != nil,
            seen.insert(parent).inserted
        {
            current = parent
        }
        return current
    }

    /// A session with its children nested to `maxDepth` levels below it.
    package func snapshot(of key: String, maxDepth: Int, at now: Duration) -> SessionSnapshot? {
        guard let state = sessions[key] else { return nil }
        guard maxDepth > 0 else {
            return SessionSnapshot(state: state, hiddenDescendants: descendantCount(of: key), takenAt: now)
        }
        let children = state.children.compactMap { snapshot(of: $0, maxDepth: maxDepth - 1, at: now) }
        return SessionSnapshot(state: state, children: children, takenAt: now)
    }

    private func descendantCount(of key: String, depth: Int = 0) -> Int {
        guard depth < 64, let state = sessions[key] else { return 0 }
        return state.children.reduce(0) { $0 + 1 + descendantCount(of: $1, depth: depth + 1) }
    }

    private func roots(of keys: Set<String>) -> Set<String> {
        Set(keys.filter { sessions[$0] != nil && queued[$0] == nil }.map { rootKey(of: $0) })
    }

    private mutating func link(_ child: String, to parent: String) {
        guard sessions[parent]?.children.contains(child) == false else { return }
        sessions[parent]?.children.append(child)
    }

    static func isNewTurnProof(old: SessionDescriptor, new: SessionDescriptor) -> Bool {
        if new.isLocked && !old.isLocked { return true }
        if let newer = new.updatedAt, let older = old.updatedAt, newer > older { return true }
        return false
    }
}
