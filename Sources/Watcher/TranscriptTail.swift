import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Follows one append-only file: returns complete lines only, keeps a partial trailing line, and notices
/// truncation (size below the offset) and replacement (a new inode).
public struct TranscriptTail: Sendable {
    /// What one read found.
    public struct Read: Sendable {
        public var lines: [Data] = []
        public var truncated = false
        public var replaced = false
        /// True when the read stopped at `chunkLimit` and more bytes are waiting.
        public var more = false
    }

    public let path: String
    /// Bytes consumed from the file, including the partial line held back.
    public private(set) var offset: UInt64
    public private(set) var inode: UInt64?
    private var partial = Data()
    /// The most bytes one `read()` takes, so a huge backlog is consumed in bounded steps.
    public var chunkLimit = 4 << 20

    /// The offset just past the last complete line: what is safe to persist.
    public var committedOffset: UInt64 { offset - UInt64(partial.count) }

    public init(path: String, offset: UInt64, inode: UInt64?) {
        self.path = path
        self.offset = offset
        self.inode = inode
    }

    /// The size and inode of a file, or nil when it cannot be read.
    public static func fileStatus(path: String) -> (size: UInt64, inode: UInt64)? {
        var info = Glibc.stat()
        guard stat(path, &info) == 0 else { return nil }
        return (UInt64(info.st_size), UInt64(info.st_ino))
    }

    /// Reads what was appended since the last call.
    public mutating func read() throws -> Read {
        // Most calls find nothing new (the engine follows every transcript on each wake-up): a stat tells so
        // without opening and closing the file. Same inode and size as already consumed is what the path
        // below would also find, so the outcome is the same.
        if let inode, let status = Self.fileStatus(path: path), status.inode == inode, status.size == offset {
            return Read()
        }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw WatcherError.fileUnreadable(path: path) }
        defer { close(descriptor) }
        var info = Glibc.stat()
        guard fstat(descriptor, &info) == 0 else { throw WatcherError.fileUnreadable(path: path) }
        var result = Read()
        let size = UInt64(info.st_size)
        let currentInode = UInt64(info.st_ino)
        if let inode, inode != currentInode {
            result.replaced = true
            restart()
        } else if size < offset {
            result.truncated = true
            restart()
        }
        inode = currentInode
        guard size > offset else { return result }
        let count = Int(min(size - offset, UInt64(chunkLimit)))
        var chunk = Data(count: count)
        let got = chunk.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, count, off_t(offset)) }
        guard got > 0 else { return result }
        offset += UInt64(got)
        result.more = got == chunkLimit
        partial.append(chunk.prefix(got))
        result.lines = takeLines()
        return result
    }

    private mutating func restart() {
        offset = 0
        partial = Data()
    }

    private mutating func takeLines() -> [Data] {
        // memchr over the raw bytes: Data's generic firstIndex(of:) costs more than parsing the lines.
        let ranges = partial.withUnsafeBytes { raw -> [Range<Int>] in
            guard let base = raw.baseAddress else { return [] }
            var ranges: [Range<Int>] = []
            var start = 0
            while start < raw.count, let found = memchr(base + start, 0x0A, raw.count - start) {
                let newline = base.distance(to: UnsafeRawPointer(found))
                if newline > start { ranges.append(start..<newline) }
                start = newline + 1
            }
            ranges.append(start..<raw.count)
            return ranges
        }
        let offset = partial.startIndex
        let lines = ranges.dropLast().map { partial[(offset + $0.lowerBound)..<(offset + $0.upperBound)] }
        let rest = ranges.last ?? 0..<0
        partial = Data(partial[(offset + rest.lowerBound)..<(offset + rest.upperBound)])
        return lines
    }
}
