/// The line `dispatch --wait` keeps redrawing on a terminal while the server holds the request (a cold
/// worker waking, then the task running): the label and the time elapsed.
enum DispatchProgress {
    /// Runs `work`, redrawing `label… 3.2 s` on standard error every 100 ms until it ends, then clears it.
    static func showing<T: Sendable>(
        _ label: String, on output: CLIOutput, _ work: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        defer { output.progress(ANSI.clearLine) }
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await work() }
            group.addTask {
                let start = ContinuousClock.now
                while !Task.isCancelled {
                    output.progress("\(ANSI.clearLine)\(label)… \(elapsed(ContinuousClock.now - start))")
                    try? await Task.sleep(for: .milliseconds(100))
                }
                return nil
            }
            // The progress task only ends when cancelled, so the first value is the work's result.
            while let next = try await group.next() {
                if let result = next {
                    group.cancelAll()
                    return result
                }
            }
            throw CancellationError()
        }
    }

    /// `3.2 s`.
    static func elapsed(_ duration: Duration) -> String {
        let tenths = duration.components.seconds * 10 + duration.components.attoseconds / 100_000_000_000_000_000
        return "\(tenths / 10).\(tenths % 10) s"
    }
}
