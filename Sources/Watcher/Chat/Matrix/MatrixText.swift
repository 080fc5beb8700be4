/// How a status text becomes a Matrix message: the plain `body`, the HTML `formatted_body`, the small fallback body
/// of an edit, and the size arithmetic that keeps every event under Matrix's limit.
///
/// The limit is on the whole event as the server signs it (`MAX_PDU_SIZE`, 65,536 bytes of canonical JSON: UTF-8,
/// control characters as `\u00XX`). The text appears twice, as `body` and as `formatted_body`, so the worst bytes
/// per Unicode scalar are the worst pair:
/// - a control character: 6 in `body` (`\u0001`) + 3 in `formatted_body` (replaced by U+FFFD) = 9
/// - `"`: 2 (`\"`) + 6 (`&quot;`) = 8; a 4-byte scalar (emoji): 4 + 4 = 8; a leading space: 1 + 6 (`&nbsp;`) = 7;
///   a line break: 2 (`\n`) + 4 (`<br>`) = 6; `<`, `>`, `&`: at most 1 + 5 = 6
///
/// An edit carries the text once more only as its fallback `body` (`* ` + at most 100 scalars of the first line).
/// `reservedBytes` covers the envelope (ids, hashes, signatures, auth and prev events: ~1–2 KiB), the JSON keys,
/// the marker and status, the `<b></b>` of the header and the fallback (≤ 2 + 100 × 6 bytes). So
/// `maxMessageCharacters` = (65,536 − 8,192) / 9 = 6,371 scalars.
enum MatrixText {
    /// Matrix's limit on one event, in bytes of canonical JSON (spec: "Size limits"; Synapse `MAX_PDU_SIZE`).
    static let eventLimit = 65_536
    /// The bytes kept for everything but the text's two copies.
    static let reservedBytes = 8_192
    /// The most bytes one scalar of the text can take in `body` and `formatted_body` together.
    static let worstBytesPerScalar = 9
    /// The longest text an event holds in the worst case.
    static let maxCharacters = (eventLimit - reservedBytes) / worstBytesPerScalar
    /// The most scalars of the first line an edit's fallback `body` keeps.
    static let fallbackCharacters = 100

    /// The HTML of a status text: its first line bold, lines joined by `<br>`, every line escaped, leading spaces
    /// kept as `&nbsp;` (HTML would collapse the indentation of nested lines), control characters replaced.
    static func html(_ text: String) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { escaped(String($0)) }
        guard let header = lines.first else { return "" }
        let head = header.isEmpty ? "" : "<b>\(header)</b>"
        return ([head] + lines.dropFirst()).joined(separator: "<br>")
    }

    /// The plain `body` of an edit event, for clients that do not apply edits: `* ` and the start of the first line.
    static func fallback(_ text: String) -> String {
        let firstLine = text.unicodeScalars.prefix { $0 != "\n" }.prefix(fallbackCharacters)
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: firstLine)
        return "* " + String(scalars)
    }

    /// One line with HTML's special characters escaped.
    static func escaped(_ line: String) -> String {
        var result = ""
        var leading = true
        for scalar in line.unicodeScalars {
            if scalar != " " { leading = false }
            switch scalar {
            case " " where leading: result += "&nbsp;"
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            case "\t": result.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0x7F: result += "\u{FFFD}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
