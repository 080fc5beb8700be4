import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Follows one append-only file: returns complete lines only, keeps a partial trailing line, and notices
/// truncation (size below the offset) and replacement (a new inode). Only a regular file is read, opened
/// without blocking (a FIFO named like a transcript would otherwise hang the open); a line longer than
/// `maxLineBytes` is skipped up to its newline and counted, so memory stays bounded whatever the file holds.
package struct TranscriptTail: Sendable {
    /// What one read found.
    package struct Read: Sendable {
        package var lines: [Data] = []
        package var truncated = false
        package var replaced = false
        /// True when the read stopped at `chunkLimit` and more bytes are waiting.
        package var more = false
        /// Lines found to be over `maxLineBytes` in this read (skipped up to their newline, not returned).
        package var skippedLines = 0
    }

    /// The default cap on one line: 1 MiB, far above any real transcript line.
    package static let defaultMaxLineBytes = 1 << 20

    package let path: String
    /// Bytes consumed from the file, including the partial line held back.
    package private(set) var offset: UInt64
    package private(set) var inode: UInt64?
    private var partial = Data()
    /// Where the over-long line being skipped started; nil when no line is being skipped.
    private var skippedLineStart: UInt64?
    /// The most bytes one `read()` takes, so a huge backlog is consumed in bounded steps.
    package var chunkLimit = 4 << 20
    /// The longest line kept; a longer one is skipped up to its newline and counted.
    package var maxLineBytes: Int

    /// The offset just past the last complete line: what is safe to persist. While an over-long line is being
    /// skipped, its start: a restart skips it again rather than parse its tail as a line.
    package var committedOffset: UInt64 { skippedLineStart ?? (offset - UInt64(partial.count)) }

    package init(path: String, offset: UInt64, inode: UInt64?, maxLineBytes: Int = Self.defaultMaxLineBytes) {
        self.path = path
        self.offset = offset
        self.inode = inode
        self.maxLineBytes = max(1, maxLineBytes)
    }

    /// The size and inode of a file, or nil when it cannot be read.
    package static func fileStatus(path: String) -> (size: UInt64, inode: UInt64)? {
        var info = Glibc.stat()
        guard stat(path, &info) == 0 else { return nil }
        return (UInt64(info.st_size), UInt64(info.st_ino))
    }

    /// Whether `path` exists and is not a regular file (a FIFO, socket, device or directory): such a path is
    /// never opened. A missing path is not irregular (it may be created as a file later).
    package static func isIrregular(path: String) -> Bool {
        var info = Glibc.stat()
        guard stat(path, &info) == 0 else { return false }
        return info.st_mode & S_IFMT != S_IFREG
    }

    /// Reads what was appended since the last call.
    package mutating func read() throws -> Read {
        // Most calls find nothing new (the engine follows every transcript on each wake-up): a stat tells so
        // without opening and closing the file. Same inode and size as already consumed is what the path
        // below would also find, so the outcome is the same.
        if let inode, let status = Self.fileStatus(path: path), status.inode == inode, status.size == offset {
            return Read()
        }
        // O_NONBLOCK: opening a FIFO for reading would wait for a writer; the type is then checked on the
        // descriptor itself, so a file swapped for a FIFO after any earlier check is refused too.
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        guard descriptor >= 0 else { throw WatcherError.fileUnreadable(path: path) }
        defer { close(descriptor) }
        var info = Glibc.stat()
        guard fstat(descriptor, &info) == 0 else { throw WatcherError.fileUnreadable(path: path) }
        guard info.st_mode & S_IFMT == S_IFREG else { throw WatcherError.notRegularFile(path: path) }
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
        result.lines = take(chunk.prefix(got), skipped: &result.skippedLines)
        return result
    }

    private mutating func restart() {
        offset = 0
        partial = Data()
        skippedLineStart = nil
    }

    /// Splits the bytes just read (ending at `offset`) into complete lines, joined to the partial line held;
    /// keeps the new partial line, and drops every line (or the start of one) longer than `maxLineBytes`.
    private mutating func take(_ chunk: Data, skipped: inout Int) -> [Data] {
        let chunkStart = offset - UInt64(chunk.count)
        var lines: [Data] = []
        var start = chunk.startIndex
        // memchr over the raw bytes: Data's generic firstIndex(of:) costs more than parsing the lines.
        let newlines = chunk.withUnsafeBytes { raw -> [Int] in
            guard let base = raw.baseAddress else { return [] }
            var found: [Int] = []
            var from = 0
            while from < raw.count, let hit = memchr(base + from, 0x0A, raw.count - from) {
                let index = base.distance(to: UnsafeRawPointer(hit))
                found.append(index)
                from = index + 1
            }
            return found
        }
        for newline in newlines.map({ chunk.startIndex + $0 }) {
            defer { start = newline + 1 }
            if skippedLineStart != nil {
                skippedLineStart = nil
                continue
            }
            if partial.count + (newline - start) > maxLineBytes {
                skipped += 1
                partial = Data()
                continue
            }
            // Without a held partial line, the line is a slice of the chunk: no copy.
            var line = chunk[start..<newline]
            if !partial.isEmpty {
                partial.append(line)
                line = partial
                partial = Data()
            }
            if !line.isEmpty { lines.append(line) }
        }
        guard skippedLineStart == nil else { return lines }
        if partial.count + (chunk.endIndex - start) > maxLineBytes {
            skipped += 1
            skippedLineStart = chunkStart + UInt64(start - chunk.startIndex) - UInt64(partial.count)
            partial = Data()
        } else {
            partial.append(chunk[start...])
        }
        return lines
    }
}
