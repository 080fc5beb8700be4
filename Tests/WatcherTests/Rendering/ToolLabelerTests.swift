import Foundation
import Testing

@testable import Watcher

/// Tests of `ToolLabeler`.
@Suite struct ToolLabelerTests {
    static func call(_ name: String, _ arguments: [String: String] = [:]) -> ToolCall {
        ToolCall(id: "1", name: name, arguments: arguments)
    }

    @Test(arguments: [
        ("Bash", ["command": "ls"], "$ ls"),
        ("Bash", ["command": "echo a\necho b"], "$ echo a echo b"),
        ("Read", ["file_path": "/x/y.swift"], "read /x/y.swift"),
        ("read", ["file_path": "C:\\a.md"], "read C:\\a.md"),
        ("WebSearch", ["query": "swift"], "search swift"),
        ("mcp__tidewave__eval", ["code": "1+1"], "mcp__tidewave__eval code=1+1"),
        ("Unknown", ["b": "2", "a": "1"], "Unknown a=1 b=2"),
        ("Unknown", [:], "Unknown"),
    ])
    func builtInTable(name: String, arguments: [String: String], label: String) {
        #expect(ToolLabeler().label(for: Self.call(name, arguments)) == label)
    }

    @Test func fileRulesComeFirstAndSetTheFallback() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("labels.json")
        try append(
            Data(
                """
                {"rules": [
                  {"match": "exact", "tool": "Bash", "template": "shell: {command}"},
                  {"match": "prefix", "tool": "git_", "template": "git {tool}"},
                  {"match": "regex", "tool": "^db\\\\.(read|write)$", "template": "database {table}"}
                ], "fallback": "other tool {tool}"}
                """.utf8), to: path)
        let labeler = try ToolLabeler(contentsOf: URL(fileURLWithPath: path))
        #expect(labeler.label(for: Self.call("Bash", ["command": "ls"])) == "shell: ls")
        #expect(labeler.label(for: Self.call("git_status")) == "git git_status")
        #expect(labeler.label(for: Self.call("db.read", ["table": "users"])) == "database users")
        #expect(labeler.label(for: Self.call("db.readx")) == "other tool db.readx")
        #expect(labeler.label(for: Self.call("Read", ["file_path": "/a"])) == "read /a")
    }

    @Test func invalidFilesAreErrors() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let badRegex = directory.file("bad.json")
        try append(Data(#"{"rules": [{"match": "regex", "tool": "([", "template": "x"}]}"#.utf8), to: badRegex)
        #expect(throws: WatcherError.toolLabelsInvalid(path: badRegex)) {
            try ToolLabeler(contentsOf: URL(fileURLWithPath: badRegex))
        }
        let missing = directory.file("missing.json")
        #expect(throws: WatcherError.toolLabelsUnreadable(path: missing)) {
            try ToolLabeler(contentsOf: URL(fileURLWithPath: missing))
        }
    }
}
