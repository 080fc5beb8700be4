/// A pure formatter from a session snapshot to a status text that stays under a length cap.
package struct StatusFormatter: Sendable {
    /// Limits of the formatted text.
    package struct Settings: Sendable {
        /// Activity lines shown for a top-level session; each nesting level gets half of its parent's.
        package var maxLines: Int
        /// Characters per activity line before it is cut.
        package var lineWidth: Int
        /// The cap on the whole text, in Unicode scalars (Mattermost counts runes).
        package var maxCharacters: Int

        package init(maxLines: Int = 10, lineWidth: Int = 160, maxCharacters: Int = 15000) {
            self.maxLines = maxLines
            self.lineWidth = lineWidth
            self.maxCharacters = maxCharacters
        }
    }

    package let settings: Settings

    package init(settings: Settings = Settings()) {
        self.settings = settings
    }

    /// The status text of a session and its children, at most `maxCharacters` Unicode scalars long.
    package func format(_ snapshot: SessionSnapshot) -> String {
        var budget = settings.maxLines
        while true {
            var lines: [String] = []
            render(snapshot, budget: budget, depth: 0, into: &lines)
            let text = lines.joined(separator: "\n")
            if text.unicodeScalars.count <= settings.maxCharacters { return text }
            // Dropping the oldest lines first: a smaller budget keeps only the newest lines at every level.
            if budget == 0 { return Self.cut(text, maxScalars: settings.maxCharacters) }
            budget -= 1
        }
    }

    private func render(_ snapshot: SessionSnapshot, budget: Int, depth: Int, into lines: inout [String]) {
        let state = snapshot.state
        let indent = depth == 0 ? "" : String(repeating: " ", count: 2 * depth) + "↳ "
        let bodyIndent = depth == 0 ? "" : String(repeating: " ", count: 2 * depth + 2)
        lines.append(indent + Self.cut(header(snapshot), maxCharacters: settings.lineWidth))
        for line in state.activity.suffix(budget) {
            lines.append(bodyIndent + Self.cut(line, maxCharacters: settings.lineWidth))
        }
        for child in snapshot.children {
            render(child, budget: budget / 2, depth: depth + 1, into: &lines)
        }
        if snapshot.hiddenDescendants > 0 {
            lines.append(bodyIndent + "  … \(snapshot.hiddenDescendants) more nested sub-agents")
        }
        if state.status != .active {
            lines.append(bodyIndent + Self.cut(footer(state), maxCharacters: settings.lineWidth))
        }
    }

    func header(_ snapshot: SessionSnapshot) -> String {
        let state = snapshot.state
        let end = state.completedAt ?? snapshot.takenAt
        var text = "[\(state.status.rawValue)] \(state.displayName) · \(Self.duration(end - state.startedAt))"
        if state.status == .active && !state.pendingTools.isEmpty { text += " · \(state.pendingTools.count) running" }
        return text
    }

    func footer(_ state: SessionState) -> String {
        let elapsed = Self.duration((state.completedAt ?? state.lastActivityAt) - state.startedAt)
        var text = "\(state.status.rawValue) in \(elapsed) · \(state.toolCalls) tool calls"
        if state.errors > 0 { text += " · \(state.errors) errors" }
        let tokens = state.tokens
        text +=
            " · tokens \(Self.count(tokens.total)) (in \(Self.count(tokens.input)), out \(Self.count(tokens.output))"
        text += ", cache \(Self.count(tokens.cacheRead + tokens.cacheWrite)))"
        if tokens.cost > 0 {
            let cents = Int((tokens.cost * 100).rounded())
            text += " · $\(cents / 100).\(cents % 100 < 10 ? "0" : "")\(cents % 100)"
        }
        return text
    }

    /// `95s` → `1m 35s`; `3725s` → `1h 02m`.
    static func duration(_ duration: Duration) -> String {
        let seconds = max(0, Int(duration.components.seconds))
        if seconds < 60 { return "\(seconds)s" }
        if seconds < 3600 { return "\(seconds / 60)m \(pad(seconds % 60))s" }
        return "\(seconds / 3600)h \(pad(seconds / 60 % 60))m"
    }

    /// `1234` → `1.2k`, `2500000` → `2.5M`.
    static func count(_ value: Int) -> String {
        if value < 1000 { return "\(value)" }
        if value < 1_000_000 { return "\(value / 1000).\(value / 100 % 10)k" }
        return "\(value / 1_000_000).\(value / 100_000 % 10)M"
    }

    private static func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    /// Cuts to at most `maxCharacters` characters, ending with `…` when cut; never splits a character.
    static func cut(_ text: String, maxCharacters: Int) -> String {
        guard text.count > maxCharacters else { return text }
        guard maxCharacters > 0 else { return "" }
        return String(text.prefix(maxCharacters - 1)) + "…"
    }

    /// Cuts to at most `maxScalars` Unicode scalars at a character boundary, ending with `…` when cut.
    static func cut(_ text: String, maxScalars: Int) -> String {
        guard text.unicodeScalars.count > maxScalars else { return text }
        guard maxScalars > 0 else { return "" }
        var result = ""
        var used = 0
        for character in text {
            let size = character.unicodeScalars.count
            if used + size > maxScalars - 1 { break }
            result.append(character)
            used += size
        }
        return result + "…"
    }
}
