/// Runs blocking file-system work (open, read, stat, readdir, write) away from the cooperative thread pool, so
/// an actor that awaits it stays free for other callers while the disk is slow.
///
/// Contract: `work` runs exactly once on a thread that may block, unless the executor has been shut down (then
/// it throws without running `work`). Cancelling the awaiting task does not interrupt or skip work already
/// handed over: a state file being written is always finished.
package protocol BlockingFileIO: Sendable {
    func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T
}
