import Testing

@testable import Watcher

/// How status text becomes Slack `text`, and how post ids carry the channel.
@Suite struct SlackTextTests {
    @Test(arguments: [
        ("plain", "plain"),
        ("a & b", "a &amp; b"),
        ("<!channel> ping", "&lt;!channel&gt; ping"),
        ("> quoted", "&gt; quoted"),
        ("<https://x.y|click>", "&lt;https://x.y|click&gt;"),
        ("&amp; already", "&amp;amp; already"),
        ("*bold* _it_ `code` ▸ ↳", "*bold* _it_ `code` ▸ ↳"),
    ])
    func controlCharactersAreEscaped(text: String, expected: String) {
        #expect(SlackText.escaped(text) == expected)
        #expect(SlackText.unescaped(expected) == text)
    }

    @Test func theLimitLeavesRoomForTheWorstCaseEscaping() {
        let worst = String(repeating: "&", count: SlackText.maxCharacters)
        #expect(SlackText.escaped(worst).count == 5 * SlackText.maxCharacters)
        #expect(SlackText.escaped(worst).count <= SlackText.serverLimit)
    }

    @Test func postIDsCarryTheChannelAndTheTimestamp() {
        let id = SlackPostID(channel: "C0123", ts: "1700000000.000100")
        #expect(id.text == "C0123/1700000000.000100")
        #expect(SlackPostID(id.text) == id)
        #expect(SlackPostID("1700000000.000100") == nil)
        #expect(SlackPostID("C1/") == nil)
        #expect(SlackPostID.threadTS("C0123/1700000000.000100") == "1700000000.000100")
        #expect(SlackPostID.threadTS("1700000000.000100") == "1700000000.000100")
        #expect(SlackPostID.threadTS("") == nil && SlackPostID.threadTS(nil) == nil)
    }
}
