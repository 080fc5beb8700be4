/// A table of text with aligned columns: a header row, then one row per item.
struct Table {
    var headers: [String]
    var rows: [[String]] = []
    /// Styles a cell (by column index and text) once it is measured, so colour never breaks alignment.
    var paint: (_ column: Int, _ cell: String) -> String = { _, cell in cell }

    /// The table as lines, columns padded to their widest cell and separated by two spaces; the header
    /// is bold when `color` is set.
    func render(color: Bool) -> String {
        var widths = headers.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        let header = Self.line(headers, widths) { _, cell in cell }
        var lines = [color ? ANSI.bold(header) : header]
        lines += rows.map { Self.line($0, widths, color ? paint : { _, cell in cell }) }
        return lines.joined(separator: "\n")
    }

    private static func line(
        _ cells: [String], _ widths: [Int], _ paint: (Int, String) -> String
    ) -> String {
        var text = ""
        for (index, cell) in cells.enumerated() {
            let last = index == cells.count - 1
            let padding = last ? "" : String(repeating: " ", count: max(0, widths[index] - cell.count) + 2)
            text += paint(index, cell) + padding
        }
        return text
    }

    /// Label/value lines, the labels padded to the widest: the form of a single item (`show`).
    static func details(_ pairs: [(String, String)], color: Bool) -> String {
        let width = pairs.map(\.0.count).max() ?? 0
        return pairs.map { label, value in
            let padded = label + String(repeating: " ", count: width - label.count + 2)
            return (color ? ANSI.dim(padded) : padded) + value
        }.joined(separator: "\n")
    }
}
