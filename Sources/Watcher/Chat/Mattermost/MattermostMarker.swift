/// How a session marker is written into a Mattermost message: a markdown link reference definition on the last
/// line, `[dormouse<marker>]: #`, after a blank line.
///
/// No Mattermost client renders a reference definition (an HTML comment would be shown as text), but the server's
/// search indexes the message text, so the label is one alphanumeric word that a search finds: MySQL and Postgres
/// full-text parsers split words on `-`, `_` and `:`, and MySQL drops words longer than 84 characters.
enum MattermostMarker {
    /// What every label starts with, so a marker never collides with an ordinary word.
    static let prefix = "dormouse"
    /// The most characters of the marker that go into the label (beyond that it is shortened and hashed).
    static let maxMarkerCharacters = 64
    /// The longest line `line(for:)` makes, in Unicode scalars: `\n\n[` + prefix + marker + `]: #`.
    static let maxLineLength = 3 + prefix.count + maxMarkerCharacters + 4

    /// The searchable word for a marker: `dormouse` + the marker when it is short and ASCII-alphanumeric; otherwise
    /// its alphanumeric characters shortened, followed by a hash of the whole marker.
    static func term(for marker: String) -> String {
        let kept = String(marker.unicodeScalars.filter(isWordScalar))
        if kept.unicodeScalars.count == marker.unicodeScalars.count, (1...maxMarkerCharacters).contains(kept.count) {
            return prefix + marker
        }
        let hex = MarkerHash.hex(marker)
        return prefix + String(kept.prefix(maxMarkerCharacters - hex.count)) + hex
    }

    /// The line appended to the visible text (it starts with the blank line that ends any paragraph before it).
    static func line(for marker: String) -> String { "\n\n[\(term(for: marker))]: #" }

    /// The message sent to the server: the visible text followed by the marker line.
    static func message(_ text: String, marker: String) -> String { text + line(for: marker) }

    /// Splits a stored message into its visible text and the label of its marker line, when it ends with one.
    /// Line breaks before the marker line and trailing white space are not part of the text.
    static func split(_ message: String) -> (text: String, term: String?) {
        let scalars = message.unicodeScalars
        var end = scalars.endIndex
        while end > scalars.startIndex, scalars[scalars.index(before: end)].properties.isWhitespace {
            end = scalars.index(before: end)
        }
        let lineStart = scalars[..<end].lastIndex(of: "\n").map { scalars.index(after: $0) } ?? scalars.startIndex
        guard let term = label(String(scalars[lineStart..<end])) else { return (message, nil) }
        var textEnd = lineStart
        while textEnd > scalars.startIndex, ["\n", "\r"].contains(scalars[scalars.index(before: textEnd)]) {
            textEnd = scalars.index(before: textEnd)
        }
        return (String(scalars[..<textEnd]), term)
    }

    /// The label of a `[dormouse…]: #` line, or nil when the line is not one.
    private static func label(_ line: String) -> String? {
        guard line.hasPrefix("[" + prefix), line.hasSuffix("]: #") else { return nil }
        let label = line.dropFirst().dropLast(4)
        let marker = label.dropFirst(prefix.count)
        guard !marker.isEmpty, marker.unicodeScalars.allSatisfy(isWordScalar) else { return nil }
        return String(label)
    }

    private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }
}
