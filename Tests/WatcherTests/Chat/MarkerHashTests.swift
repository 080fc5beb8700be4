import Testing

@testable import Watcher

/// Markers are written into chat posts and searched for after a restart, so the hash must never change.
@Suite("MarkerHash")
struct MarkerHashTests {
    @Test(
        "FNV-1a 64 as 16 hex digits, the published test vectors",
        arguments: [
            ("", "cbf29ce484222325"),
            ("a", "af63dc4c8601ec8c"),
            ("foobar", "85944171f73967e8"),
        ])
    func knownVectors(text: String, hex: String) {
        #expect(MarkerHash.hex(text) == hex)
    }
}
