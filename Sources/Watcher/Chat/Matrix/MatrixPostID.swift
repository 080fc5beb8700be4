/// A status post's id as the relay stores it: `<room id>/<event id>`, since an edit is sent to a room and the relay
/// gives `edit(postID:with:)` the post id alone. Room ids (`!opaque:server`) contain no `/`, so the first `/` splits.
struct MatrixPostID: Equatable {
    var roomID: String
    /// The original event, the one every edit replaces.
    var eventID: String

    init(roomID: String, eventID: String) {
        self.roomID = roomID
        self.eventID = eventID
    }

    /// Nil when `text` is not `<room id>/<event id>`.
    init?(_ text: String) {
        guard let slash = text.firstIndex(of: "/"), text.hasPrefix("!") else { return nil }
        roomID = String(text[..<slash])
        eventID = String(text[text.index(after: slash)...])
        guard !eventID.isEmpty else { return nil }
    }

    var text: String { "\(roomID)/\(eventID)" }
}
