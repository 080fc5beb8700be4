import AsyncHTTPClient
import Foundation
import Logging
import Testing

@testable import Watcher

/// How a status text becomes a Matrix message, and why every event stays under the 65,536-byte limit; no server.
@Suite struct MatrixTextTests {
    @Test func theHTMLEscapesEveryLineAndBoldsTheHeader() {
        let html = MatrixText.html("[active] <demo> & \"it's\"\n> run\n  ↳ [done] sub\u{1}agent")
        #expect(
            html == "<b>[active] &lt;demo&gt; &amp; &quot;it&#39;s&quot;</b><br>&gt; run<br>"
                + "&nbsp;&nbsp;↳ [done] sub\u{FFFD}agent")
        #expect(MatrixText.html("\nsecond") == "<br>second")
    }

    @Test func theFallbackOfAnEditIsTheStartOfTheFirstLine() {
        #expect(MatrixText.fallback("[done] demo\n> rest") == "* [done] demo")
        let long = String(repeating: "😀", count: 500)
        #expect(MatrixText.fallback(long).unicodeScalars.count == 2 + MatrixText.fallbackCharacters)
    }

    /// The worst scalars for size, `maxCharacters` of each, in an edit (the bigger event): its JSON content leaves
    /// at least 4 KiB of the event limit for the envelope (ids, hashes, signatures, auth and prev events).
    @Test(arguments: ["\u{1}", "\"", "😀", " ", "<", "\n", "&"])
    func aWorstCaseEditFitsTheEventLimit(scalar: String) throws {
        let text = String(repeating: scalar, count: MatrixText.maxCharacters)
        let message = ChatMessage(text: text, marker: String(repeating: "f", count: 16), status: "interrupted")
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        let edit = try encoder.encode(
            MatrixWire.EditContent(message, replacing: "$" + String(repeating: "x", count: 43)))
        let create = try encoder.encode(
            MatrixWire.MessageContent(message, thread: "$" + String(repeating: "x", count: 43)))
        #expect(edit.count <= MatrixText.eventLimit - 4096, "\(edit.count) bytes")
        #expect(create.count <= edit.count)
    }

    @Test func theLimitIsTheArithmeticInTheDocComment() {
        #expect(MatrixText.maxCharacters == 6371)
    }

    @Test(arguments: [
        ("room:!abc:localhost", ChatDestination.Target.channel("!abc:localhost")),
        ("room:#status:example.org", .channel("#status:example.org")),
        ("room:!20V3WjGGFmldM0gz-S76kTBkhs7fRzVEjpBuhny9RRU", .channel("!20V3WjGGFmldM0gz-S76kTBkhs7fRzVEjpBuhny9RRU")),
        ("room:status", nil), ("room:", nil), ("room:!", nil), ("room:#status", nil), ("channel:abc", nil),
        ("user:@a:b", nil),
    ])
    func aRouteNamesARoomByIdOrAlias(to: String, target: ChatDestination.Target?) throws {
        try SynapseFreePoster.with { poster in #expect(poster.target(routeTo: to) == target) }
    }

    @Test func aPostIdIsTheRoomAndTheOriginalEvent() {
        let id = MatrixPostID(roomID: "!r:localhost", eventID: "$e/v")
        #expect(id.text == "!r:localhost/$e/v")
        #expect(MatrixPostID(id.text) == id)
        #expect(MatrixPostID("$e") == nil && MatrixPostID("!r:localhost/") == nil)
    }
}

/// A poster over a client that never sends, for the tests of what it decides locally.
enum SynapseFreePoster {
    static func with(token: String = "secret-token", _ body: (MatrixPoster) throws -> Void) throws {
        let client = MatrixPoster.makeHTTPClient()
        defer { try? client.syncShutdown() }
        try body(
            MatrixPoster(
                homeserverURL: "http://127.0.0.1:9/", accessToken: token, httpClient: client, logger: .init(label: "t"))
        )
    }
}
