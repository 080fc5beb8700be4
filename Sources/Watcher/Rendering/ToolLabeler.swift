import Foundation

/// Turns a tool call such as `Bash {"command": "ls"}` into a short human line, from rules and a fallback.
package struct ToolLabeler: Sendable {
    /// How a rule matches a tool name.
    package enum Match: String, Sendable, Codable {
        case exact
        case prefix
        case regex
    }

    /// One labelling rule; `template` uses `{tool}`, `{args}` and `{argumentName}` placeholders.
    package struct Rule: Sendable, Codable, Equatable {
        package var match: Match
        package var tool: String
        package var template: String

        package init(match: Match, tool: String, template: String) {
            self.match = match
            self.tool = tool
            self.template = template
        }
    }

    /// The JSON shape of a `TOOL_LABELS_FILE`.
    struct File: Codable {
        var rules: [Rule]
        var fallback: String?
    }

    package private(set) var rules: [Rule]
    package private(set) var fallback: String
    private let patterns: [Int: NSRegularExpressionBox]

    /// The built-in table, tried after any rules from a file.
    package static let builtInRules: [Rule] = [
        Rule(match: .exact, tool: "Bash", template: "$ {command}"),
        Rule(match: .exact, tool: "exec", template: "$ {command}"),
        Rule(match: .exact, tool: "bash", template: "$ {command}"),
        Rule(match: .exact, tool: "Read", template: "read {file_path}"),
        Rule(match: .exact, tool: "read", template: "read {file_path}{path}"),
        Rule(match: .exact, tool: "Write", template: "write {file_path}"),
        Rule(match: .exact, tool: "write", template: "write {file_path}{path}"),
        Rule(match: .exact, tool: "Edit", template: "edit {file_path}"),
        Rule(match: .exact, tool: "MultiEdit", template: "edit {file_path}"),
        Rule(match: .exact, tool: "edit", template: "edit {file_path}{path}"),
        Rule(match: .exact, tool: "Grep", template: "grep {pattern}"),
        Rule(match: .exact, tool: "Glob", template: "glob {pattern}"),
        Rule(match: .exact, tool: "WebSearch", template: "search {query}"),
        Rule(match: .exact, tool: "WebFetch", template: "fetch {url}"),
        Rule(match: .exact, tool: "web_search", template: "search {query}"),
        Rule(match: .exact, tool: "web_fetch", template: "fetch {url}"),
        Rule(match: .exact, tool: "Task", template: "agent: {description}"),
        Rule(match: .exact, tool: "Agent", template: "agent: {description}"),
        Rule(match: .exact, tool: "sessions_spawn", template: "spawn {label}"),
        Rule(match: .exact, tool: "TodoWrite", template: "update todo list"),
        Rule(match: .prefix, tool: "mcp__", template: "{tool} {args}"),
    ]

    package static let defaultFallback = "{tool} {args}"

    package init(rules: [Rule] = [], fallback: String? = nil) {
        self.rules = rules + Self.builtInRules
        self.fallback = fallback ?? Self.defaultFallback
        var patterns: [Int: NSRegularExpressionBox] = [:]
        for (index, rule) in self.rules.enumerated() where rule.match == .regex {
            patterns[index] = NSRegularExpressionBox(pattern: rule.tool)
        }
        self.patterns = patterns
    }

    /// Loads extra rules from a JSON file `{"rules": [{"match", "tool", "template"}], "fallback": "..."}`.
    package init(contentsOf url: URL) throws {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw WatcherError.toolLabelsUnreadable(path: url.path)
        }
        guard let file = try? JSONDecoder().decode(File.self, from: data) else {
            throw WatcherError.toolLabelsInvalid(path: url.path)
        }
        for rule in file.rules where rule.match == .regex && NSRegularExpressionBox(pattern: rule.tool) == nil {
            throw WatcherError.toolLabelsInvalid(path: url.path)
        }
        self.init(rules: file.rules, fallback: file.fallback)
    }

    /// The label for one tool call, on one line.
    package func label(for call: ToolCall) -> String {
        let template =
            rules.indices.first { matches(rules[$0], index: $0, name: call.name) }.map { rules[$0].template }
            ?? fallback
        let text = Self.render(template, call: call)
        return text.isEmpty ? call.name : text
    }

    private func matches(_ rule: Rule, index: Int, name: String) -> Bool {
        switch rule.match {
        case .exact: return name == rule.tool
        case .prefix: return name.hasPrefix(rule.tool)
        case .regex: return patterns[index]?.matches(name) ?? false
        }
    }

    static func render(_ template: String, call: ToolCall) -> String {
        var output = ""
        var rest = template[...]
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            output += rest[..<open]
            let name = String(rest[rest.index(after: open)..<close])
            switch name {
            case "tool": output += call.name
            case "args": output += argumentSummary(call.arguments)
            default: output += call.arguments[name] ?? ""
            }
            rest = rest[rest.index(after: close)...]
        }
        output += rest
        // One line: newlines become spaces (Swift-native; Foundation's trimming is slow on Linux).
        if output.utf8.contains(0x0A) || output.utf8.contains(0x0D) {
            output = String(output.unicodeScalars.map { $0 == "\n" || $0 == "\r" ? " " : Character($0) })
        }
        return output.trimmedOfWhitespace
    }

    /// The arguments as `key=value` pairs in key order, so the summary is stable.
    static func argumentSummary(_ arguments: [String: String]) -> String {
        arguments.keys.sorted().map { "\($0)=\(arguments[$0] ?? "")" }.joined(separator: " ")
    }
}

/// A compiled regular expression that can be shared across tasks; it is never mutated after creation.
final class NSRegularExpressionBox: @unchecked Sendable {
    private let expression: NSRegularExpression

    init?(pattern: String) {
        guard let expression = try? NSRegularExpression(pattern: pattern) else { return nil }
        self.expression = expression
    }

    func matches(_ text: String) -> Bool {
        expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}
