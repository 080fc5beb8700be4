import Synchronization

/// Counts the connections open at once, on every event loop, and admits one more only under the cap.
final class ConnectionCounter: Sendable {
    /// Whether a new connection may be served.
    enum Admission: Equatable {
        case admitted
        /// Over the cap; `first` for the first refusal since the count was last under it (worth a log line).
        case refused(first: Bool)
    }

    let maximum: Int
    private let open = Atomic<Int>(0)
    private let refusing = Atomic<Bool>(false)

    init(maximum: Int) {
        self.maximum = maximum
    }

    /// Connections admitted and not yet closed.
    var count: Int { open.load(ordering: .relaxed) }

    /// Admits a connection (the caller then calls `close()` when it ends) or refuses it.
    func admit() -> Admission {
        if open.wrappingAdd(1, ordering: .acquiringAndReleasing).newValue <= maximum {
            refusing.store(false, ordering: .relaxed)
            return .admitted
        }
        open.wrappingSubtract(1, ordering: .acquiringAndReleasing)
        return .refused(first: !refusing.exchange(true, ordering: .relaxed))
    }

    /// An admitted connection closed.
    func close() {
        open.wrappingSubtract(1, ordering: .acquiringAndReleasing)
    }
}
