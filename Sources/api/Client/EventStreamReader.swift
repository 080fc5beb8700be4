/// Parses a Server-Sent Events byte stream by the WHATWG EventSource rules
/// (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation).
///
/// Bytes are buffered across chunks and decoded as UTF-8 only once a line is complete, so a character split
/// between two network reads stays whole. Lines end with CRLF, LF or CR (a CR that ends one chunk and an LF
/// that starts the next are one line end); a leading byte order mark is dropped. `data` lines are joined with
/// `\n`, `id` sets the last event id (unless it holds a NUL), `retry` takes digits only, and an event is
/// dispatched at a blank line only when it carried data. An event still open when the stream ends is dropped
/// with it (a new reader per connection). Comments are not events; they are handed out as `.comment` for a
/// caller that reads the server's markers (`: caught up`).
package struct EventStreamReader: Sendable {
    /// One dispatched event.
    package struct Event: Sendable, Hashable {
        /// The `event` field, `message` when there was none.
        package var type: String
        /// The `data` lines, joined with `\n`.
        package var data: String
        /// The last event id when the event was dispatched (ids carry over to later events, as in a browser).
        package var id: String
    }

    /// What one complete line or blank line produced.
    package enum Item: Sendable, Hashable {
        case event(Event)
        /// A `retry` field: the reconnection time the server asks for, in milliseconds.
        case retry(Int)
        /// A comment line, without its colon and surrounding blanks.
        case comment(String)
    }

    /// The last event id of this stream as of the last blank line (the value a reconnect sends as
    /// `Last-Event-ID` when it is not empty).
    private(set) var lastEventID: String

    private var line: [UInt8] = []
    private var afterCR = false
    private var atStart = true
    private var data = ""
    private var hasData = false
    private var type = ""
    private var id: String

    /// A reader for a new connection; `lastEventID` is the id carried over from an earlier one.
    package init(lastEventID: String = "") {
        self.lastEventID = lastEventID
        self.id = lastEventID
    }

    /// Feeds the next bytes of the stream and returns what they completed.
    package mutating func feed(_ bytes: some Sequence<UInt8>) -> [Item] {
        var items: [Item] = []
        for byte in bytes {
            if afterCR {
                afterCR = false
                if byte == Self.lf { continue }
            }
            switch byte {
            case Self.lf:
                finishLine(into: &items)
            case Self.cr:
                finishLine(into: &items)
                afterCR = true
            default:
                line.append(byte)
            }
        }
        return items
    }

    private mutating func finishLine(into items: inout [Item]) {
        var bytes = line[...]
        line.removeAll(keepingCapacity: true)
        if atStart {
            atStart = false
            if bytes.starts(with: Self.byteOrderMark) { bytes = bytes.dropFirst(Self.byteOrderMark.count) }
        }
        guard !bytes.isEmpty else { return dispatch(into: &items) }
        let text = String(decoding: bytes, as: UTF8.self)
        guard let colon = text.firstIndex(of: ":") else { return process(field: text[...], value: "", into: &items) }
        guard colon != text.startIndex else {
            return items.append(.comment(text.dropFirst().trimmingBlanks()))
        }
        var value = text[text.index(after: colon)...]
        if value.first == " " { value = value.dropFirst() }
        process(field: text[..<colon], value: value, into: &items)
    }

    private mutating func process(field: Substring, value: Substring, into items: inout [Item]) {
        switch field {
        case "event":
            type = String(value)
        case "data":
            if hasData { data += "\n" }
            data += value
            hasData = true
        case "id":
            if !value.contains(Character("\u{0}")) { id = String(value) }
        case "retry":
            if !value.isEmpty, value.allSatisfy({ $0.isASCII && $0.isNumber }), let milliseconds = Int(value) {
                items.append(.retry(milliseconds))
            }
        default:
            break
        }
    }

    private mutating func dispatch(into items: inout [Item]) {
        defer {
            data = ""
            hasData = false
            type = ""
        }
        lastEventID = id
        guard hasData else { return }
        items.append(.event(Event(type: type.isEmpty ? "message" : type, data: data, id: id)))
    }

    private static let lf = UInt8(ascii: "\n")
    private static let cr = UInt8(ascii: "\r")
    private static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]
}

extension Substring {
    fileprivate func trimmingBlanks() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
