/// Type-erases an injected `Clock<Duration>` into "time since start" and "sleep", which is all the engine needs.
struct WatchClock: Sendable {
    let now: @Sendable () -> Duration
    let sleep: @Sendable (Duration) async throws -> Void
    /// Sleeps until a time since start; a deadline already past returns at once.
    let sleepUntil: @Sendable (Duration) async throws -> Void

    init<C: Clock<Duration>>(_ clock: C) {
        let start = clock.now
        now = { start.duration(to: clock.now) }
        sleep = { try await clock.sleep(for: $0) }
        // An absolute deadline: a relative delay computed earlier would drift if time moved before the sleep.
        sleepUntil = { try await clock.sleep(until: start.advanced(by: $0), tolerance: nil) }
    }
}
