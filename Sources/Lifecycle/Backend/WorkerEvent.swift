/// A change of a worker's state that its engine reported: the backends translate their engine's events
/// (container start and die, a service scaled) into these.
package struct WorkerEvent: Sendable, Hashable {
    /// What happened to the worker.
    package enum Action: Sendable, Hashable {
        /// It started (or was scaled up) and runs.
        case started
        /// Its process ended or it was stopped (or scaled to zero).
        case exited
        /// It was removed from the engine.
        case removed
        case paused
        case unpaused
    }

    /// The id of the worker the event is about (container id, service id).
    package var workerID: String
    /// Its name, when the engine gave one.
    package var workerName: String?
    package var action: Action
    package var time: EngineTimestamp

    package init(workerID: String, workerName: String?, action: Action, time: EngineTimestamp) {
        self.workerID = workerID
        self.workerName = workerName
        self.action = action
        self.time = time
    }
}

/// Receives a backend's events about one worker (the instance's lifecycle controller).
package protocol WorkerEventObserver: AnyObject, Sendable {
    /// An event about the worker.
    func workerEvent(_ event: WorkerEvent) async
    /// The engine's event stream was re-established after a gap: events may have been lost, so re-read the state.
    func engineReconnected() async
}

/// The observer a backend reports to, held weakly: the controller owns the backend, not the other way round.
struct WeakObserver: Sendable {
    weak var value: (any WorkerEventObserver)?

    init(_ value: any WorkerEventObserver) {
        self.value = value
    }
}
