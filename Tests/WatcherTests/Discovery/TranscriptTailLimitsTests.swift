import Foundation
import Testing

@testable import Watcher

#if canImport(Glibc)
    import Glibc
#endif

/// `TranscriptTail` against files it must not hold whole or must not open: over-long lines and FIFOs.
@Suite struct TranscriptTailLimitsTests {
    static func text(_ lines: [Data]) -> [String] { lines.map { String(decoding: $0, as: UTF8.self) } }

    @Test func aCompleteLineOverTheCapIsSkippedAndCounted() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("t.jsonl")
        try append(Data("short\n\(String(repeating: "x", count: 40))\nafter\n".utf8), to: path)
        var tail = TranscriptTail(path: path, offset: 0, inode: nil, maxLineBytes: 16)
        let read = try tail.read()
        #expect(Self.text(read.lines) == ["short", "after"])
        #expect(read.skippedLines == 1)
        #expect(tail.committedOffset == tail.offset)
    }

    @Test func aLineWithoutItsNewlineIsDroppedOnceOverTheCapAndSkippedToItsEnd() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("t.jsonl")
        try append(Data("ok\n".utf8), to: path)
        try append(Data(repeating: UInt8(ascii: "x"), count: 100), to: path)
        var tail = TranscriptTail(path: path, offset: 0, inode: nil, maxLineBytes: 16)
        tail.chunkLimit = 8
        let first = try Self.readAll(&tail)
        #expect(Self.text(first.lines) == ["ok"])
        #expect(first.skipped == 1)
        // A restart resumes at the start of the skipped line, never in its middle.
        #expect(tail.committedOffset == 3)
        try append(Data("yyyy\nnext\n".utf8), to: path)
        let after = try Self.readAll(&tail)
        #expect(Self.text(after.lines) == ["next"])
        #expect(after.skipped == 0)
        #expect(tail.committedOffset == 113)
    }

    /// Reads until the tail has caught up with the file.
    static func readAll(_ tail: inout TranscriptTail) throws -> (lines: [Data], skipped: Int) {
        var lines: [Data] = []
        var skipped = 0
        var read = TranscriptTail.Read(more: true)
        while read.more {
            read = try tail.read()
            lines += read.lines
            skipped += read.skippedLines
        }
        return (lines, skipped)
    }

    @Test func aLineUnderTheCapSplitAcrossReadsIsKept() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("t.jsonl")
        try append(Data("0123456789".utf8), to: path)
        var tail = TranscriptTail(path: path, offset: 0, inode: nil, maxLineBytes: 16)
        #expect(try tail.read().lines.isEmpty)
        try append(Data("abcdef\n".utf8), to: path)
        #expect(Self.text(try tail.read().lines) == ["0123456789abcdef"])
    }

    @Test func aFIFOIsRefusedWithoutBlocking() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("fifo.jsonl")
        #expect(mkfifo(path, 0o644) == 0)
        // Before the fix open() waited for a writer: this one comes after 10 s, so the test fails, not hangs.
        let writer = Thread {
            Thread.sleep(forTimeInterval: 10)
            let descriptor = open(path, O_WRONLY | O_NONBLOCK)
            if descriptor >= 0 { close(descriptor) }
        }
        writer.start()
        var tail = TranscriptTail(path: path, offset: 0, inode: nil)
        #expect(throws: WatcherError.notRegularFile(path: path)) { try tail.read() }
        #expect(TranscriptTail.isIrregular(path: path))
        #expect(!TranscriptTail.isIrregular(path: directory.file("missing.jsonl")))
    }
}
