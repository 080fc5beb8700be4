import Lifecycle
import Synchronization

/// A wall clock a test sets, in epoch milliseconds.
package final class SettableWallClock: Sendable {
    private let milliseconds: Mutex<Int64>

    package init(milliseconds: Int64) {
        self.milliseconds = Mutex(milliseconds)
    }

    package func set(_ value: Int64) {
        milliseconds.withLock { $0 = value }
    }

    package var clock: WallClock {
        WallClock { [self] in milliseconds.withLock { $0 } * 1_000_000 }
    }
}
