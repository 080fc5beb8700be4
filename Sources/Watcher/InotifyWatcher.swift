import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Wakes its consumer when anything changes in the watched directories, using Linux inotify.
///
/// A background thread polls the inotify descriptor and coalesces each burst of events into one wake-up on
/// a stream that buffers at most one: the consumer rescans everything it follows on each wake-up.
public final class InotifyWatcher: Sendable {
    /// The watches set so far, and whether `stop()` was called.
    private struct State {
        var watched: [String: Int32] = [:]
        var stopped = false
    }

    private let descriptor: Int32
    private let state = Mutex(State())
    /// One element per burst of file system events.
    public let wakeups: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    /// Creates the inotify instance; nil when the kernel refuses (the caller then polls).
    public init?() {
        let descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard descriptor >= 0 else { return nil }
        self.descriptor = descriptor
        (wakeups, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let thread = Thread { [self] in self.loop() }
        thread.name = "dormouse-inotify"
        thread.start()
    }

    /// What `watch(directory:)` did.
    public enum WatchResult: Sendable {
        case added
        case alreadyWatched
        case failed
    }

    /// Watches a directory for created, written, moved and deleted entries.
    @discardableResult
    public func watch(directory: String) -> WatchResult {
        if state.withLock({ $0.watched[directory] != nil }) { return .alreadyWatched }
        let mask = UInt32(IN_CREATE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE)
        let watch = inotify_add_watch(descriptor, directory, mask)
        guard watch >= 0 else { return .failed }
        state.withLock { $0.watched[directory] = watch }
        return .added
    }

    /// Stops the thread and finishes the stream; the descriptor is closed by the thread.
    public func stop() {
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
            while read(descriptor, &buffer, buffer.count) > 0 { sawEvent = true }
            if sawEvent { continuation.yield() }
        }
        close(descriptor)
    }
}
