import Logging

/// Engine events: a container that dies or is stopped outside Dormouse becomes `stopped`, one started outside
/// it `running`, each reported as a `reconcile` transition.
extension LifecycleController {
    package func containerEvent(_ event: ContainerEvent) async {
        // Events from before the current start request belong to an earlier run (for example the `die` of
        // the previous idle stop, delivered late) and must not stop this one; events from before the state was
        // last read are in that reading.
        guard event.time >= eventsSince else { return }
        switch event.action {
        case .die, .stop, .destroy:
            // Another container that had the name (one replaced after its definition changed) is not this run.
            if let containerID, event.containerID != containerID { return }
            if machine.phase == .running {
                logger.info("container stopped outside Dormouse", metadata: ["container.id": "\(event.containerID)"])
            }
            if case .destroy = event.action, event.containerID == containerID { containerID = nil }
            stateEpoch &+= 1
            apply(machine.containerExited())
            await reportUnreportedTransition()
        case .start:
            // A container started under the name (an operator re-created theirs) is followed from now on only if
            // this instance may drive it: its labels are read first, never assumed.
            if event.containerID != containerID {
                guard event.containerName == target.containerName else { return }
                containerID = nil
                await reconcile()
                return
            }
            stateEpoch &+= 1
            apply(machine.containerStartedExternally())
            await reportUnreportedTransition()
        default:
            break
        }
    }
}
