import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Wakes its consumer when anything changes in the watched directories, using Linux inotify.
///
/// A background thread polls the inotify descriptor, collects what the events name into `Changes`, and
/// coalesces each burst into one wake-up on a stream that buffers at most one. On a wake-up the consumer
/// takes the changes: files written in place can be followed alone; anything else asks for a rescan.
package final class InotifyWatcher: Sendable {
    /// What happened in the watched directories since the last `takeChanges()`.
    package struct Changes: Sendable, Equatable {
        /// Files written (`IN_MODIFY`, `IN_CLOSE_WRITE`), by full path.
        package var written: Set<String> = []
        /// An entry was created, moved or deleted, a watch went away, or the kernel's queue overflowed: only
        /// a rescan of everything tells what changed.
        package var needsRescan = false

        package init(written: Set<String> = [], needsRescan: Bool = false) {
            self.written = written
            self.needsRescan = needsRescan
        }
    }

    /// The watches set so far, what changed, and whether `stop()` was called.
    private struct State {
        var watched: [String: Int32] = [:]
        var directories: [Int32: String] = [:]
        var changes = Changes()
        var stopped = false
    }

    private let descriptor: Int32
    private let state = Mutex(State())
    /// One element per burst of file system events.
    package let wakeups: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    /// Creates the inotify instance; nil when the kernel refuses (the caller then polls).
    package init?() {
        let descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard descriptor >= 0 else { return nil }
        self.descriptor = descriptor
        (wakeups, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let thread = Thread { [self] in self.loop() }
        thread.name = "dormouse-inotify"
        thread.start()
    }

    /// What `watch(directory:)` did.
    package enum WatchResult: Sendable {
        case added
        case alreadyWatched
        case failed
    }

    /// Watches a directory for created, written, moved and deleted entries.
    @discardableResult
    package func watch(directory: String) -> WatchResult {
        if state.withLock({ $0.watched[directory] != nil }) { return .alreadyWatched }
        let mask = UInt32(IN_CREATE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE)
        let watch = inotify_add_watch(descriptor, directory, mask)
        guard watch >= 0 else { return .failed }
        state.withLock {
            $0.watched[directory] = watch
            $0.directories[watch] = directory
        }
        return .added
    }

    /// What changed since the last call, and starts collecting anew.
    package func takeChanges() -> Changes {
        state.withLock { state in
            defer { state.changes = Changes() }
            return state.changes
        }
    }

    /// Stops the thread and finishes the stream; the descriptor is closed by the thread.
    package func stop() {
        state.withLock { $0.stopped = true }
        continuation.finish()
    }

    private func loop() {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while !state.withLock({ $0.stopped }) {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, 200)
            guard ready > 0 else { continue }
            var sawEvent = false
            while true {
                let count = read(descriptor, &buffer, buffer.count)
                guard count > 0 else { break }
                sawEvent = true
                record(buffer[0..<count])
            }
            if sawEvent { continuation.yield() }
        }
        close(descriptor)
    }

    /// Adds what a read of `struct inotify_event` records names to the pending changes.
    private func record(_ events: ArraySlice<UInt8>) {
        let writes = UInt32(IN_MODIFY | IN_CLOSE_WRITE)
        state.withLock { state in
            var offset = events.startIndex
            let header = 16
            while offset + header <= events.endIndex {
                let watch = Self.integer(Int32.self, in: events, at: offset)
                let mask = Self.integer(UInt32.self, in: events, at: offset + 4)
                let length = Int(Self.integer(UInt32.self, in: events, at: offset + 12))
                let nameBytes = events[(offset + header)..<min(offset + header + length, events.endIndex)]
                offset += header + length
                if mask & UInt32(IN_IGNORED) != 0, let directory = state.directories.removeValue(forKey: watch) {
                    // The directory went away: a new one at the same path must be watched again.
                    state.watched[directory] = nil
                }
                guard mask & ~writes == 0, let directory = state.directories[watch] else {
                    state.changes.needsRescan = true
                    continue
                }
                let name = String(decoding: nameBytes.prefix { $0 != 0 }, as: UTF8.self)
                state.changes.written.insert("\(directory)/\(name)")
            }
        }
    }

    private static func integer<T: FixedWidthInteger>(_: T.Type, in bytes: ArraySlice<UInt8>, at offset: Int) -> T {
        bytes[offset..<(offset + MemoryLayout<T>.size)].withUnsafeBytes { $0.loadUnaligned(as: T.self) }
    }
}
