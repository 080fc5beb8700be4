import Logging

/// Engine events: a worker that exits or is stopped outside Dormouse becomes `stopped`, one started outside it
/// `running`, each reported as a `reconcile` transition; one paused or unpaused outside it becomes `paused` or
/// `running` (not a start or stop: nothing is reported).
extension LifecycleController {
    package func workerEvent(_ event: WorkerEvent) async {
        // Events from before the current start request belong to an earlier run (for example the exit of the
        // previous idle stop, delivered late) and must not stop this one; events from before the state was last
        // read are in that reading.
        guard event.time >= eventsSince else { return }
        switch event.action {
        case .exited, .removed:
            // Another worker that had the name (one replaced after its definition changed) is not this run.
            if let workerID, event.workerID != workerID { return }
            if machine.phase == .running {
                logger.info("worker stopped outside Dormouse", metadata: ["worker.id": "\(event.workerID)"])
            }
            if event.action == .removed, event.workerID == workerID { workerID = nil }
            stateEpoch &+= 1
            apply(machine.containerExited())
            await reportUnreportedTransition()
        case .started:
            // A worker started under the name (an operator re-created theirs) is followed from now on only if
            // this instance may drive it: its labels are read first, never assumed.
            if event.workerID != workerID {
                guard event.workerName == backend.workerName else { return }
                workerID = nil
                await reconcile()
                return
            }
            stateEpoch &+= 1
            apply(machine.containerStartedExternally())
            await reportUnreportedTransition()
        case .paused, .unpaused:
            // Dormouse's own pause or resume, or an older event of the worker's: reflected already.
            guard event.workerID == workerID, event.time >= pauseEventsSince else { return }
            stateEpoch &+= 1
            if event.action == .paused {
                if machine.phase == .running {
                    logger.info("worker paused outside Dormouse", metadata: ["worker.id": "\(event.workerID)"])
                }
                apply(machine.containerPausedExternally())
            } else {
                if machine.phase == .paused {
                    logger.info("worker unpaused outside Dormouse", metadata: ["worker.id": "\(event.workerID)"])
                }
                apply(machine.containerUnpausedExternally())
            }
        }
    }
}
