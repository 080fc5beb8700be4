import Logging

/// Engine events: a container that dies or is stopped outside Dormouse becomes `stopped`.
extension LifecycleController {
    public func containerEvent(_ event: ContainerEvent) {
        // Events from before the current start request belong to an earlier run (for example the `die` of
        // the previous idle stop, delivered late) and must not stop this one.
        guard event.time >= currentRunSince else { return }
        switch event.action {
        case .die, .stop, .destroy:
            // Another container that had the name (one replaced after its definition changed) is not this run.
            if let containerID, event.containerID != containerID { return }
            if machine.phase == .running {
                logger.info("container stopped outside Dormouse", metadata: ["container.id": "\(event.containerID)"])
            }
            if case .destroy = event.action, event.containerID == containerID { containerID = nil }
            apply(machine.containerExited())
        case .start:
            // A container started under the name (an operator re-created theirs) is the one followed from now on.
            if event.containerName == target.containerName, event.containerID != containerID {
                adopt(id: event.containerID)
            }
            apply(machine.containerStartedExternally())
        default:
            break
        }
    }

    public func engineReconnected() async {
        await reconcile()
    }
}
