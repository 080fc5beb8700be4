/// The set of top-level sessions a live view shows, kept from engine updates; rendering is pure.
package struct StatusBoard: Sendable {
    package let formatter: StatusFormatter
    package private(set) var snapshots: [String: SessionSnapshot] = [:]

    package init(formatter: StatusFormatter) {
        self.formatter = formatter
    }

    /// Records an update; returns whether the visible board changed.
    @discardableResult
    package mutating func apply(_ update: SessionUpdate) -> Bool {
        switch update.kind {
        case .added, .changed: snapshots[update.key] = update.snapshot
        case .removed: snapshots[update.key] = nil
        }
        return Self.isVisible(update.snapshot)
    }

    /// Replaces every snapshot, e.g. with fresh ones so elapsed times move on.
    package mutating func replaceAll(_ fresh: [SessionSnapshot]) {
        snapshots = Dictionary(fresh.map { ($0.state.key, $0) }, uniquingKeysWith: { _, last in last })
    }

    /// A session is shown while active, or once it did something while watched (so old idle files stay hidden).
    package static func isVisible(_ snapshot: SessionSnapshot) -> Bool {
        snapshot.state.status == .active || !snapshot.state.activity.isEmpty
    }

    /// The visible sessions, active first, then by key.
    package var visible: [SessionSnapshot] {
        snapshots.values.filter(Self.isVisible).sorted { lhs, rhs in
            let lhsActive = lhs.state.status == .active
            let rhsActive = rhs.state.status == .active
            return lhsActive != rhsActive ? lhsActive : lhs.state.key < rhs.state.key
        }
    }

    /// Every visible session's status text, separated by blank lines.
    package func render() -> String {
        let sessions = visible
        guard !sessions.isEmpty else { return "(no active sessions)" }
        return sessions.map { formatter.format($0) }.joined(separator: "\n\n")
    }
}
