import Foundation
import NIOHTTP1

/// Finding a status post again by its marker, in the room's recent history.
extension MatrixPoster {
    /// Events per `/messages` page and pages read: the 500 newest message events at most.
    static let pageSize = 100
    static let maxPages = 5

    /// The newest live post of the bot carrying `marker`, with its latest edit's text and status. Redacted events
    /// and edits never match; an edit counts only when its sender is the original's.
    package func findPost(marker: String, channelID: String) async throws(ChatError) -> ChatPost? {
        let me = try await userID()
        var edits: [String: MatrixWire.NewContent] = [:]
        var from: String?
        for _ in 0..<Self.maxPages {
            let page: MatrixWire.MessagesPage = try await send(
                .GET, messagesPath(room: channelID, from: from), operation: .lookup)
            for event in page.chunk where event.type == "m.room.message" && event.sender == me && !event.isRedacted {
                if let target = event.replaces {
                    // Newest first: the first edit seen of an event is its latest.
                    if edits[target] == nil, let new = event.content?.newContent { edits[target] = new }
                    continue
                }
                guard let content = event.content, content.marker == marker, let body = content.body else { continue }
                let latest = edits[event.eventID] ?? bundledEdit(of: event, by: me)
                return ChatPost(
                    id: MatrixPostID(roomID: channelID, eventID: event.eventID).text, channelID: channelID,
                    message: latest?.body ?? body, marker: marker, status: latest?.status ?? content.status)
            }
            guard let end = page.end, !page.chunk.isEmpty else { return nil }
            from = end
        }
        return nil
    }

    /// The latest edit the server bundled with an event, when its edits are older than the pages read.
    private func bundledEdit(of event: MatrixWire.Event, by me: String) -> MatrixWire.NewContent? {
        guard let replacement = event.unsigned?.relations?.replace,
            replacement.sender == nil || replacement.sender == me
        else { return nil }
        return replacement.content?.newContent
    }

    private func messagesPath(room: String, from: String?) -> String {
        let filter = #"{"types":["m.room.message"]}"#
        var path = "/rooms/\(Self.escaped(room))/messages?dir=b&limit=\(Self.pageSize)&filter=\(Self.escaped(filter))"
        if let from { path += "&from=\(Self.escaped(from))" }
        return path
    }

    /// The bot's own user id, fetched once.
    func userID() async throws(ChatError) -> String {
        if let known = directory.userID { return known }
        let me: MatrixWire.WhoAmI = try await send(.GET, "/account/whoami", operation: .lookup)
        directory.userID = me.userID
        return me.userID
    }
}
