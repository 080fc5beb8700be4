import Foundation
import Synchronization

/// `conversations.history` and `conversations.replies`: cursor paging over the live messages.
extension SlackFake.State {
    /// `conversations.history`: the channel's top-level messages (thread replies are not listed), newest first,
    /// `limit` (default 100, at most 999) per page, `has_more` and `response_metadata.next_cursor`.
    func history(_ arguments: Arguments) -> Reply {
        let channel: Channel
        switch writableChannel(arguments) {
        case .failure(let reply): return reply
        case .success(let found): channel = found
        }
        let messages = liveMessages(in: channel.id).filter(\.isTopLevel)
        return page(messages, arguments)
    }

    /// `conversations.replies`: the thread's root then its replies, oldest first; `thread_not_found` when the root
    /// is unknown.
    func replies(_ arguments: Arguments) -> Reply {
        let channel: Channel
        switch writableChannel(arguments) {
        case .failure(let reply): return reply
        case .success(let found): channel = found
        }
        let root = arguments["ts"]?.stringValue ?? ""
        let thread = liveMessages(in: channel.id).filter { $0.ts == root || $0.threadTS == root }.reversed()
        guard thread.contains(where: { $0.ts == root }) else { return .error("thread_not_found") }
        return page(Array(thread), arguments)
    }

    /// One page of `messages`: the cursor is the index to start at, base64 encoded (opaque to clients).
    func page(_ messages: [SlackFake.Message], _ arguments: Arguments) -> Reply {
        let limit = min(999, max(1, Int(arguments["limit"]?.stringValue ?? "") ?? arguments["limit"]?.intValue ?? 100))
        var start = 0
        if let cursor = arguments["cursor"]?.stringValue, !cursor.isEmpty {
            guard let data = Data(base64Encoded: cursor), let text = String(data: data, encoding: .utf8),
                text.hasPrefix("next:"), let index = Int(text.dropFirst(5)), index >= 0
            else { return .error("invalid_cursor") }
            start = index
        }
        let end = min(messages.count, start + limit)
        let slice = start < end ? Array(messages[start..<end]) : []
        let withMetadata =
            ["true", "1"].contains(arguments["include_all_metadata"]?.stringValue ?? "")
            || arguments["include_all_metadata"]?.boolValue == true
        let hasMore = end < messages.count
        let next = hasMore ? Data("next:\(end)".utf8).base64EncodedString() : ""
        return .ok([
            "messages": .array(slice.map { Self.json($0, withMetadata) }), "has_more": .bool(hasMore),
            "pin_count": .int(0), "response_metadata": .object(["next_cursor": .string(next)]),
        ])
    }
}
