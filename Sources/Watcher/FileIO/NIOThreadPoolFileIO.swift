import NIOPosix

/// Blocking file I/O on a SwiftNIO `NIOThreadPool`; by default NIO's process-wide pool (`NIOThreadPool.singleton`),
/// which the program's composition root hands to the engine and the relay.
package struct NIOThreadPoolFileIO: BlockingFileIO {
    /// The pool refused the work: it was shut down.
    package struct PoolInactive: Error, Sendable {}

    package let threadPool: NIOThreadPool

    package init(threadPool: NIOThreadPool = .singleton) {
        self.threadPool = threadPool
    }

    package func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        // `submit`, not the async `runIfActive`: that one drops work not yet started when the caller is
        // cancelled, and the engine's last offsets flush runs after its task was cancelled.
        try await withCheckedThrowingContinuation { continuation in
            threadPool.submit { state in
                guard case .active = state else { return continuation.resume(throwing: PoolInactive()) }
                continuation.resume(with: Result(catching: work))
            }
        }
    }
}
