import Foundation

/// Reads an OpenClaw `sessions.json` (session key → entry) into session descriptors.
package enum OpenClawRegistry {
    /// One registry entry; only the fields the watcher uses.
    private struct Entry: Decodable {
        var sessionId: String?
        var updatedAt: Int64?
        var sessionFile: String?
        var spawnedBy: String?
        var spawnDepth: Int?
        var label: String?
        var deliveryContext: DeliveryContext?
        var lastChannel: String?
        var lastTo: String?
    }

    /// Where the session last delivered a reply.
    private struct DeliveryContext: Decodable {
        var channel: String?
        var to: String?
        var threadId: String?
    }

    /// Parses a registry file of agent `agentID` in `sessionsDirectory`; throws on a half-written or bad file.
    package static func parse(_ data: Data, agentID: String, sessionsDirectory: String) throws -> [SessionDescriptor] {
        let entries = try JSONDecoder().decode([String: Entry].self, from: data)
        return entries.compactMap { key, entry -> SessionDescriptor? in
            guard let sessionID = entry.sessionId else { return nil }
            var path = entry.sessionFile ?? "\(sessionID).jsonl"
            if !path.hasPrefix("/") { path = sessionsDirectory + "/" + path }
            return SessionDescriptor(
                key: key, format: .openClaw, agent: agentID, label: entry.label, transcriptPath: path,
                parentKey: entry.spawnedBy, spawnDepth: entry.spawnDepth, route: route(key: key, entry: entry),
                updatedAt: entry.updatedAt)
        }
        .sorted { $0.key < $1.key }
    }

    /// The chat route: channel and thread from the key, else `deliveryContext`, else `lastTo`.
    private static func route(key: String, entry: Entry) -> ChatRoute? {
        if let route = route(fromKey: key) { return route }
        if let context = entry.deliveryContext, let channel = context.channel {
            return ChatRoute(channel: channel, to: context.to, threadID: context.threadId)
        }
        if let lastTo = entry.lastTo { return ChatRoute(channel: entry.lastChannel ?? "", to: lastTo) }
        return nil
    }

    /// `agent:<id>:<channel>:channel:<chan>[:thread:<rootPostId>]` → channel, `channel:<chan>`, thread.
    static func route(fromKey key: String) -> ChatRoute? {
        let parts = key.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 5, parts[0] == "agent", parts[3] == "channel" else { return nil }
        var thread: String?
        if parts.count >= 7, parts[5] == "thread" { thread = parts[6] }
        return ChatRoute(channel: parts[2], to: "channel:\(parts[4])", threadID: thread)
    }
}
