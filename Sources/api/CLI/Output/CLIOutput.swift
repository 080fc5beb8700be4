import DormouseClient
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Where an operator command writes: results to standard output, errors and progress to standard error,
/// with colour only on a terminal and never when `NO_COLOR` is set.
struct CLIOutput: Sendable {
    /// Print the server's JSON rather than tables.
    let json: Bool
    /// Standard output is a terminal that may be coloured.
    let color: Bool
    /// Standard error is a terminal (progress lines are drawn there only then).
    let errorIsTerminal: Bool
    /// Standard error is a terminal that may be coloured.
    let errorColor: Bool

    init(json: Bool, colorAllowed: Bool) {
        self.json = json
        self.color = colorAllowed && isatty(STDOUT_FILENO) == 1
        self.errorIsTerminal = isatty(STDERR_FILENO) == 1
        self.errorColor = colorAllowed && errorIsTerminal
    }

    /// Colour allowed as the client configuration in `environment` says (`NO_COLOR`).
    init(json: Bool, environment: [String: String]) {
        self.init(json: json, colorAllowed: ClientConfiguration.fromEnvironment(environment).colorAllowed)
    }

    /// Writes `text` and a newline to standard output.
    func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Writes the server's JSON as it came, with a final newline.
    func json(_ body: Data) {
        var body = body
        if body.last != UInt8(ascii: "\n") { body.append(UInt8(ascii: "\n")) }
        FileHandle.standardOutput.write(body)
    }

    /// Writes `text` to standard error without a newline (progress redraws).
    func progress(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Writes `dormouse: <message>` to standard error, in red on a colour terminal.
    func error(_ message: String) {
        let text = "dormouse: \(message)"
        FileHandle.standardError.write(Data(((errorColor ? ANSI.red(text) : text) + "\n").utf8))
    }

    /// `text` in a colour when standard output takes colour.
    func paint(_ text: String, _ style: (String) -> String) -> String {
        color ? style(text) : text
    }
}

/// ANSI terminal styles.
enum ANSI {
    static func bold(_ text: String) -> String { "\u{1B}[1m\(text)\u{1B}[0m" }
    static func dim(_ text: String) -> String { "\u{1B}[2m\(text)\u{1B}[0m" }
    static func red(_ text: String) -> String { "\u{1B}[31m\(text)\u{1B}[0m" }
    static func green(_ text: String) -> String { "\u{1B}[32m\(text)\u{1B}[0m" }
    static func yellow(_ text: String) -> String { "\u{1B}[33m\(text)\u{1B}[0m" }
    static func cyan(_ text: String) -> String { "\u{1B}[36m\(text)\u{1B}[0m" }
    /// Back to the start of the line and clear it.
    static let clearLine = "\r\u{1B}[K"
}
