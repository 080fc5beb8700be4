import Dispatch
import Synchronization

@testable import Watcher

/// Blocking file I/O on a real executor that can hold one chosen piece of work on a semaphore, inside the
/// executor's thread, until `release()`: a disk that hangs, without sleeping.
final class GatedFileIO: BlockingFileIO {
    private let base: any BlockingFileIO
    /// Work items still to let through before the one that is held; nil when none is to be held.
    private let toSkip = Mutex<Int?>(nil)
    private let gate = DispatchSemaphore(value: 0)
    /// One element when the held work has started and is waiting.
    let held: AsyncStream<Void>
    private let heldContinuation: AsyncStream<Void>.Continuation

    init(base: any BlockingFileIO) {
        self.base = base
        (held, heldContinuation) = AsyncStream.makeStream(of: Void.self)
    }

    /// Holds the work handed over after `skipping` more items.
    func hold(skipping: Int) {
        toSkip.withLock { $0 = skipping }
    }

    func release() {
        gate.signal()
    }

    func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        let holds = toSkip.withLock { count -> Bool in
            guard let left = count else { return false }
            count = left == 0 ? nil : left - 1
            return left == 0
        }
        return try await base.run { [gate, heldContinuation] in
            if holds {
                heldContinuation.yield()
                gate.wait()
            }
            return try work()
        }
    }
}
