extension String {
    /// The first non-empty line, trimmed and cut to `limit` characters (never mid-character).
    ///
    /// Works on a bounded prefix of Unicode scalars, so a huge text costs no more than a short one.
    func snippet(limit: Int = 200) -> String {
        var start = startIndex
        while start < endIndex {
            let end = self[start...].utf8.firstIndex(of: 0x0A) ?? endIndex
            let scalars = unicodeScalars
            let boundedEnd = scalars.index(start, offsetBy: limit * 2, limitedBy: end) ?? end
            let line = String(self[start..<boundedEnd]).trimmedOfWhitespace
            if !line.isEmpty {
                if line.count > limit { return String(line.prefix(limit - 1)) + "…" }
                return boundedEnd == end ? line : line + "…"
            }
            start = end < endIndex ? index(after: end) : endIndex
        }
        return ""
    }

    /// The text without leading and trailing white space (Swift-native: Foundation's trimming bridges to
    /// NSString, which costs more than the whole JSON scan of a line).
    var trimmedOfWhitespace: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[first...last])
    }
}
