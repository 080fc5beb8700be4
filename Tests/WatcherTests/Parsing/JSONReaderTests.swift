import Foundation
import Testing

@testable import Watcher

/// Tests of `JSONReader`.
@Suite struct JSONReaderTests {
    /// The root members read as text (scalars) or "<skipped>", or nil when the document is rejected.
    static func members(_ json: String) -> [String: String]? {
        Data(json.utf8).withUnsafeBytes { raw -> [String: String]? in
            let reader = JSONReader(bytes: raw)
            var members: [String: String] = [:]
            guard
                let isObject = try? reader.forEachRootMember({ key, value in
                    members[String(decoding: key.bytes, as: UTF8.self)] = reader.scalarText(value) ?? "<skipped>"
                    return nil
                }), isObject
            else { return nil }
            return members
        }
    }

    @Test func readsScalarsAndSkipsNestedValues() {
        let members = Self.members(
            #" {"a": "x", "n": -1.5e3, "t": true, "o": {"k": [1, {"z": "}"}]}, "e": [], "z": null} "#)
        #expect(
            members == ["a": "x", "n": "-1.5e3", "t": "true", "o": "<skipped>", "e": "<skipped>", "z": "<skipped>"])
    }

    @Test(arguments: [
        (#"{"s": "a\"b\\c\/d\n\t"}"#, "a\"b\\c/d\n\t"),
        (#"{"s": "caf\u00e9 \ud83d\ude00"}"#, "café 😀"),
        (#"{"s": "日本語"}"#, "日本語"),
        (#"{"s": "ends with backslash \\"}"#, "ends with backslash \\"),
    ])
    func decodesEscapes(json: String, expected: String) {
        #expect(Self.members(json)?["s"] == expected)
    }

    @Test(arguments: [
        #"{"a": "unterminated}"#, #"{"a": 1"#, #"{"a" 1}"#, #"{"a": 1,}"#, #"{"a": tru}"#, #"{"a": 1} x"#,
        #"{a: 1}"#, #"{"a": [1, 2}"#, "", "   ",
    ])
    func rejectsMalformedDocuments(json: String) {
        #expect(Self.members(json) == nil)
    }

    @Test func rejectsDeepNesting() {
        let deep = #"{"a": "# + String(repeating: "[", count: 300) + String(repeating: "]", count: 300) + "}"
        #expect(Self.members(deep) == nil)
        let fine = #"{"a": "# + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "}"
        #expect(Self.members(fine) == ["a": "<skipped>"])
    }

    @Test func nonObjectRootIsReported() {
        Data("[1]".utf8).withUnsafeBytes { raw in
            #expect((try? JSONReader(bytes: raw).forEachRootMember { _, _ in nil }) == false)
        }
    }
}
