import NIOCore
import Testing

@testable import Lifecycle

@Suite("DockerStreamDemultiplexer")
struct DockerStreamDemultiplexerTests {
    /// One frame: stream type, three zero bytes, big-endian length, payload.
    static func frame(_ stream: UInt8, _ payload: [UInt8]) -> [UInt8] {
        let length = UInt32(payload.count)
        return [stream, 0, 0, 0] + (0..<4).map { UInt8(truncatingIfNeeded: length >> (24 - 8 * $0)) } + payload
    }

    static func frame(_ stream: UInt8, _ text: String) -> [UInt8] { frame(stream, Array(text.utf8)) }

    /// Feeds `bytes` cut at `cuts` (ascending offsets) as separate chunks.
    static func demultiplex(_ bytes: [UInt8], cuts: [Int] = [], limit: Int = 1024) throws -> DockerStreamDemultiplexer {
        var demultiplexer = DockerStreamDemultiplexer(limit: limit)
        for (start, end) in zip([0] + cuts, cuts + [bytes.count]) {
            try demultiplexer.append(ByteBuffer(bytes: bytes[start..<end]))
        }
        return demultiplexer
    }

    static let stream = frame(1, "out\n") + frame(2, "err\n") + frame(1, "") + frame(1, "done é\n")

    @Test func interleavesStdoutAndStderrInArrivalOrder() throws {
        let result = try Self.demultiplex(Self.stream)
        #expect(result.output == "out\nerr\ndone é\n")
        #expect(!result.truncated)
        #expect(result.isAtFrameBoundary)
    }

    @Test(arguments: 1..<DockerStreamDemultiplexerTests.stream.count)
    func framesSplitAnywhereReadTheSame(cut: Int) throws {
        let result = try Self.demultiplex(Self.stream, cuts: [cut])
        #expect(result.output == "out\nerr\ndone é\n")
        #expect(result.isAtFrameBoundary)
    }

    @Test func framesFedByteByByteReadTheSame() throws {
        let result = try Self.demultiplex(Self.stream, cuts: Array(1..<Self.stream.count))
        #expect(result.output == "out\nerr\ndone é\n")
    }

    @Test func aHalfReadFrameIsNotABoundary() throws {
        let header = try Self.demultiplex(Array(Self.frame(1, "abc").prefix(5)))
        #expect(!header.isAtFrameBoundary)
        let payload = try Self.demultiplex(Array(Self.frame(1, "abc").prefix(10)))
        #expect(!payload.isAtFrameBoundary)
        #expect(payload.output == "ab")
    }

    @Test func bytesBeyondTheLimitAreReadAndDropped() throws {
        let bytes = Self.frame(1, String(repeating: "a", count: 6)) + Self.frame(2, String(repeating: "b", count: 6))
        let result = try Self.demultiplex(bytes, cuts: [3, 11, 15], limit: 10)
        #expect(result.output == "aaaaaabbbb")
        #expect(result.truncated)
        #expect(result.isAtFrameBoundary)
    }

    @Test func outputExactlyAtTheLimitIsNotTruncated() throws {
        let result = try Self.demultiplex(Self.frame(1, "0123456789"), limit: 10)
        #expect(result.output == "0123456789")
        #expect(!result.truncated)
    }

    @Test(arguments: [(1, "a"), (2, "a"), (3, "aé"), (4, "aé"), (5, "aé"), (6, "aé€")])
    func truncationCutsAtACharacterBoundary(limit: Int, expected: String) throws {
        let result = try Self.demultiplex(Self.frame(1, "aé€x"), limit: limit)
        #expect(result.output == expected)
        #expect(result.truncated)
    }

    @Test func invalidUTF8IsReplaced() throws {
        let result = try Self.demultiplex(Self.frame(1, [0x61, 0xFF, 0x62]))
        #expect(result.output == "a\u{FFFD}b")
    }

    @Test func aHeaderNoEngineWritesIsRejected() throws {
        let error = #expect(throws: ContainerRuntimeError.self) {
            try Self.demultiplex(Array("HTTP/1.1 200 OK\r\n".utf8))
        }
        #expect(error?.message.contains("not a multiplexed stream header") == true)
    }
}
