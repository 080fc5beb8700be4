import Foundation
import Synchronization
import Testing

@testable import Watcher

#if canImport(Glibc)
    import Glibc
#endif

/// Tests of `TranscriptTail`.
@Suite struct TranscriptTailTests {
    static func text(_ lines: [Data]) -> [String] { lines.map { String(decoding: $0, as: UTF8.self) } }

    @Test func readsOnlyCompleteLinesAndKeepsThePartialOne() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("t.jsonl")
        try append(Data("one\ntw".utf8), to: path)
        var tail = TranscriptTail(path: path, offset: 0, inode: nil)
        #expect(Self.text(try tail.read().lines) == ["one"])
        #expect(tail.committedOffset == 4)
        #expect(tail.offset == 6)
        #expect(try tail.read().lines.isEmpty)
        try append(Data("o\nthree\n".utf8), to: path)
        #expect(Self.text(try tail.read().lines) == ["two", "three"])
        #expect(tail.committedOffset == 14)
    }

    @Test func startsWhereItIsTold() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("t.jsonl")
        try append(Data("old\n".utf8), to: path)
        let status = try #require(TranscriptTail.fileStatus(path: path))
        var tail = TranscriptTail(path: path, offset: status.size, inode: status.inode)
        #expect(try tail.read().lines.isEmpty)
        try append(Data("new\n".utf8), to: path)
        #expect(Self.text(try tail.read().lines) == ["new"])
    }

    @Test func truncationRestartsFromTheBeginning() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("t.jsonl")
        try append(Data("aaaa\nbbbb\n".utf8), to: path)
        var tail = TranscriptTail(path: path, offset: 0, inode: nil)
        _ = try tail.read()
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: 0)
        try handle.close()
        try append(Data("c\n".utf8), to: path)
        let read = try tail.read()
        #expect(read.truncated)
        #expect(Self.text(read.lines) == ["c"])
    }

    @Test func replacementByANewInodeIsDetected() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("t.jsonl")
        try append(Data("first\n".utf8), to: path)
        var tail = TranscriptTail(path: path, offset: 0, inode: nil)
        _ = try tail.read()
        // Rotation: the new file is longer than the old offset, so only the inode can tell.
        let rotated = directory.file("t.new")
        try append(Data("rotated one\nrotated two\n".utf8), to: rotated)
        #expect(rename(rotated, path) == 0)
        let read = try tail.read()
        #expect(read.replaced)
        #expect(Self.text(read.lines) == ["rotated one", "rotated two"])
    }

    @Test func missingFileThrows() {
        var tail = TranscriptTail(path: "/nonexistent/\(UUID().uuidString)", offset: 0, inode: nil)
        #expect(throws: WatcherError.fileUnreadable(path: tail.path)) { try tail.read() }
    }

    @Test func bigBacklogIsReadInBoundedChunks() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("t.jsonl")
        try append(lines: (0..<100).map { Data("line \($0)".utf8) }, to: path)
        var tail = TranscriptTail(path: path, offset: 0, inode: nil)
        tail.chunkLimit = 64
        var lines: [String] = []
        var reads = 0
        repeat {
            let read = try tail.read()
            lines += Self.text(read.lines)
            reads += 1
            if !read.more { break }
        } while true
        #expect(lines == (0..<100).map { "line \($0)" })
        #expect(reads > 10)
    }

    @Test func concurrentAppendsAreReadWholeAndInOrder() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("t.jsonl")
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let writers = 4
        let perWriter = 500
        let finished = DoneFlag()
        let seen = try await withThrowingTaskGroup(of: [String].self) { group in
            group.addTask {
                await withTaskGroup(of: Void.self) { writersGroup in
                    for writer in 0..<writers {
                        writersGroup.addTask { Self.write(writer: writer, lines: perWriter, to: path) }
                    }
                }
                finished.set()
                return []
            }
            group.addTask {
                // Reads while the writers append; lines often arrive split across two reads.
                var tail = TranscriptTail(path: path, offset: 0, inode: nil)
                var seen: [String] = []
                while true {
                    let done = finished.isSet
                    let lines = Self.text(try tail.read().lines)
                    seen += lines
                    if done && lines.isEmpty { return seen }
                    await Task.yield()
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(seen.count == writers * perWriter)
        for writer in 0..<writers {
            let indexes = seen.filter { $0.hasPrefix("{\"w\":\(writer),") }.map { line in
                Int(line.split(separator: ",")[1].dropFirst(4))!
            }
            #expect(indexes == Array(0..<perWriter))
        }
    }

    /// Appends lines in two write() calls each, so a reader can catch half a line.
    static func write(writer: Int, lines: Int, to path: String) {
        let descriptor = open(path, O_WRONLY | O_APPEND)
        defer { close(descriptor) }
        for index in 0..<lines {
            let line = Array(
                "{\"w\":\(writer),\"i\":\(index),\"pad\":\"\(String(repeating: "x", count: index % 50))\"}\n".utf8)
            let half = line.count / 2
            // Writers share the file, so hold a lock for both halves: torn lines still reach the reader.
            flock(descriptor, LOCK_EX)
            _ = line[..<half].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            _ = line[half...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            flock(descriptor, LOCK_UN)
        }
    }
}

/// A flag one task sets and another reads.
final class DoneFlag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}
