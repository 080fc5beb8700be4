import Testing

@testable import DormouseClient

/// The SSE reader against the WHATWG EventSource parsing rules, fed in chunks cut anywhere.
@Suite("Event stream reader")
struct EventStreamReaderTests {
    typealias Item = EventStreamReader.Item

    static func event(_ data: String, type: String = "message", id: String = "") -> Item {
        .event(.init(type: type, data: data, id: id))
    }

    /// Feeds `chunks` one after the other to one reader and returns every item.
    static func read(_ chunks: [[UInt8]]) -> [Item] {
        var reader = EventStreamReader()
        return chunks.flatMap { reader.feed($0) }
    }

    static func read(_ chunks: String...) -> [Item] {
        read(chunks.map { Array($0.utf8) })
    }

    /// (what the server sent, what the reader hands out)
    static let framingCases: [(String, [Item])] = [
        ("data: a\n\n", [event("a")]),
        ("data:a\n\n", [event("a")]),
        ("data:  a \n\n", [event(" a ")]),
        ("data: a\r\n\r\n", [event("a")]),
        ("data: a\r\r", [event("a")]),
        ("data: a\ndata: b\n\n", [event("a\nb")]),
        ("data: a\r\ndata:\rdata: c\n\n", [event("a\n\nc")]),
        ("data\n\n", [event("")]),
        ("data\ndata\n\n", [event("\n")]),
        ("event: wake\ndata: x\n\n", [event("x", type: "wake")]),
        ("event\ndata: x\n\n", [event("x")]),
        ("id: 7\ndata: x\n\ndata: y\n\n", [event("x", id: "7"), event("y", id: "7")]),
        ("id: 7\ndata: x\n\nid\ndata: y\n\n", [event("x", id: "7"), event("y")]),
        ("id: 7\ndata: x\n\nid: 8\u{0}\ndata: y\n\n", [event("x", id: "7"), event("y", id: "7")]),
        (": caught up\n\n", [.comment("caught up")]),
        (":\ndata: x\n: keep-alive\n\n", [.comment(""), .comment("keep-alive"), event("x")]),
        ("retry: 3000\n\n", [.retry(3000)]),
        ("retry:250\nretry: 1.5\nretry: -1\nretry: x\nretry:\n\n", [.retry(250)]),
        ("event: wake\nid: 3\n\n", []),
        ("data: a\n\n\n\ndata: b\n\n", [event("a"), event("b")]),
        ("unknown: field\ndata: x\n\n", [event("x")]),
        ("\u{FEFF}data: bom\n\n", [event("bom")]),
        ("data: x\n\n\u{FEFF}data: y\n\n", [event("x")]),
        ("data: unfinished\n", []),
        ("data: unfinished", []),
    ]

    @Test(arguments: framingCases)
    func framing(_ input: String, _ expected: [Item]) {
        #expect(Self.read(input) == expected)
    }

    @Test func aMultiByteEventSplitAtEveryByteIsTheSameEvent() {
        let bytes = Array("id: é€😀\nevent: wake\ndata: é€😀\ndata: 😀\n\n".utf8)
        let expected = [Self.event("é€😀\n😀", type: "wake", id: "é€😀")]
        for cut in 0...bytes.count {
            #expect(Self.read([Array(bytes[..<cut]), Array(bytes[cut...])]) == expected, "cut at byte \(cut)")
        }
        #expect(Self.read(bytes.map { [$0] }) == expected, "one byte per chunk")
    }

    @Test func aCRLFSplitAcrossChunksIsOneLineEnd() {
        #expect(Self.read("data: a\r", "\ndata: b\r", "\n\r", "\n") == [Self.event("a\nb")])
        #expect(Self.read("data: a\r", "\r") == [Self.event("a")])
        #expect(Self.read("data: a\r", "data: b\r\r") == [Self.event("a\nb")])
    }

    @Test func theLastEventIDCarriesOverToANewConnectionsReader() {
        var reader = EventStreamReader(lastEventID: "5")
        #expect(reader.feed(Array("data: x\n\n".utf8)) == [Self.event("x", id: "5")])
        #expect(reader.feed(Array("id: 6\n".utf8)).isEmpty)
        #expect(reader.lastEventID == "5", "an id counts once its block ends")
        #expect(reader.feed(Array("\n".utf8)).isEmpty)
        #expect(reader.lastEventID == "6")
    }
}
