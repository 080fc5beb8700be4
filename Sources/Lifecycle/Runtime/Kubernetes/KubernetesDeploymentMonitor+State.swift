import Synchronization

extension KubernetesDeploymentMonitor {
    struct State {
        var followed: Set<KubernetesDeploymentRef> = []
        var entries: [KubernetesDeploymentRef: Entry] = [:]
        var nextWaiter: UInt64 = 0
        /// Waiters cancelled before they were registered.
        var cancelled: Set<UInt64> = []
    }

    struct Entry {
        var snapshot: KubernetesDeploymentSnapshot?
        var isListed = false
        var lists = 0
        var observer: WeakDeploymentObserver?
        var waiters: [UInt64: Waiter] = [:]
    }

    struct Waiter {
        var condition: @Sendable (KubernetesDeploymentSnapshot?) -> Bool
        var continuation: CheckedContinuation<KubernetesDeploymentSnapshot?, any Error>
    }

    /// What one state change brings about, carried out outside the lock.
    struct Outcome {
        var ready: [(CheckedContinuation<KubernetesDeploymentSnapshot?, any Error>, KubernetesDeploymentSnapshot?)] = []
        var observer: (any KubernetesDeploymentObserver)?
        var action: WorkerEvent.Action?
        var relisted = false
        var snapshot: KubernetesDeploymentSnapshot?

        func publish() async {
            for (continuation, snapshot) in ready { continuation.resume(returning: snapshot) }
            guard let observer else { return }
            if let action { await observer.deploymentChanged(action, snapshot: snapshot) }
            if relisted { await observer.deploymentRelisted() }
        }
    }

    /// Records the Deployment's new state and says whom it concerns: the waiters it satisfies, and the observer
    /// when it was scaled from or to zero or removed. A list after the first one (a 410 Gone) may have skipped
    /// changes, so the observer is also told to re-read.
    func apply(_ snapshot: KubernetesDeploymentSnapshot?, to ref: KubernetesDeploymentRef, listed: Bool) -> Outcome {
        state.withLock { state in
            var entry = state.entries[ref, default: Entry()]
            var outcome = Outcome(observer: entry.observer?.value, snapshot: snapshot)
            if entry.isListed {
                outcome.action = Self.action(from: entry.snapshot, to: snapshot)
                outcome.relisted = listed
            }
            entry.snapshot = snapshot
            entry.isListed = true
            if listed { entry.lists += 1 }
            for (id, waiter) in entry.waiters where waiter.condition(snapshot) {
                entry.waiters[id] = nil
                outcome.ready.append((waiter.continuation, snapshot))
            }
            state.entries[ref] = entry
            return outcome
        }
    }

    /// A scale from 0 is a start, a scale to 0 an exit, a deletion a removal.
    static func action(
        from old: KubernetesDeploymentSnapshot?, to new: KubernetesDeploymentSnapshot?
    ) -> WorkerEvent.Action? {
        guard let new else { return old == nil ? nil : .removed }
        if new.isScaledUp, old?.isScaledUp != true { return .started }
        if !new.isScaledUp, old?.isScaledUp == true { return .exited }
        return nil
    }

    /// Returns the Deployment's state once the watch shows one that meets `condition` (at once when the latest
    /// does); follows it first. Cancellation ends the wait with `CancellationError`.
    package func wait(
        for ref: KubernetesDeploymentRef, until condition: @escaping @Sendable (KubernetesDeploymentSnapshot?) -> Bool
    ) async throws -> KubernetesDeploymentSnapshot? {
        follow(ref)
        let id = state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let resume = state.withLock { state -> Result<KubernetesDeploymentSnapshot?, any Error>? in
                    if state.cancelled.remove(id) != nil { return .failure(CancellationError()) }
                    let entry = state.entries[ref, default: Entry()]
                    if entry.isListed, condition(entry.snapshot) { return .success(entry.snapshot) }
                    state.entries[ref, default: Entry()].waiters[id] = Waiter(
                        condition: condition, continuation: continuation)
                    return nil
                }
                if let resume { continuation.resume(with: resume) }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                let waiter = state.entries[ref]?.waiters.removeValue(forKey: id)
                if waiter == nil { state.cancelled.insert(id) }
                return waiter
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }
}

/// Receives the scales of the Deployment it follows (a `KubernetesWorkerBackend`).
protocol KubernetesDeploymentObserver: AnyObject, Sendable {
    /// It was scaled from or to zero, or deleted; `snapshot` is its new state (nil: deleted).
    func deploymentChanged(_ action: WorkerEvent.Action, snapshot: KubernetesDeploymentSnapshot?) async
    /// It was listed afresh after its watch's version expired: changes in between may be lost.
    func deploymentRelisted() async
}

struct WeakDeploymentObserver: Sendable {
    weak var value: (any KubernetesDeploymentObserver)?
}
