import Lifecycle
import Synchronization
import Testing

/// A listener that keeps every lifecycle event and lets a test await the n-th one.
package final class EventRecorder: LifecycleEventListener {
    private let recorded = Mutex<[LifecycleEvent]>([])
    private let changes = ChangeSignal()

    package init() {}

    package func receive(_ event: LifecycleEvent) async {
        recorded.withLock { $0.append(event) }
        changes.notify()
    }

    package var events: [LifecycleEvent] { recorded.withLock { $0 } }
    package var types: [String] { events.map(\.type) }

    /// Returns the first `count` events once that many have arrived. Bounded: when they have not within `limit`,
    /// the test fails at the caller's line and the events so far are returned.
    @discardableResult
    package func waitFor(
        _ count: Int, within limit: Duration = .seconds(30), sourceLocation: SourceLocation = #_sourceLocation
    ) async -> [LifecycleEvent] {
        await changes.expect(within: limit, sourceLocation: sourceLocation) {
            let all = self.events
            return all.count >= count ? Array(all.prefix(count)) : nil
        } ?? events
    }
}
