import Logging

/// Reconciling: adopting the engine's state of the worker, and reporting a transition nobody reported (a
/// start or stop cut short by a kill, a stop the engine made on its own) so start and stop counts pair up.
extension LifecycleController {
    /// Reads the worker's state from the engine and adopts it (on boot, after an engine reconnect, or when
    /// a worker Dormouse does not follow yet starts under the name): a running worker becomes `running`
    /// (and idles out if lazy), a vanished one `stopped`. A worker this instance may not drive is ignored.
    /// When the state differs from the last transition reported, the difference is reported with the
    /// `reconcile` trigger.
    package func reconcile() async {
        guard !retired else { return }
        let epoch = stateEpoch
        let readAt = wallClock.nanosecondsSinceEpoch
        do {
            let status = try await backend.inspect(workerID)
            // A start or stop of Dormouse's, under way or begun meanwhile, reports its own outcome; an event that
            // came meanwhile is newer than this reading.
            guard epoch == stateEpoch, !isTransitioning else { return }
            // Older events (replayed after a reconnect) are in this reading already: they must not undo it.
            eventsSince = max(eventsSince, readAt)
            guard isOurs(status) else {
                if machine.phase == .running || machine.phase == .paused, status.id != workerID {
                    apply(machine.containerExited())
                }
                return
            }
            adopt(id: status.id)
            apply(status.isRunning ? machine.containerStartedExternally() : machine.containerExited())
            // A frozen container reads as running too; it is thawed before a task reaches it.
            if status.isPaused {
                apply(machine.containerPausedExternally())
            } else if machine.phase == .paused {
                apply(machine.containerUnpausedExternally())
            }
        } catch let error as ContainerRuntimeError where error.isNotFound {
            guard epoch == stateEpoch, !isTransitioning else { return }
            eventsSince = max(eventsSince, readAt)
            workerID = nil
            apply(machine.containerExited())
        } catch {
            logger.warning("could not read worker state", metadata: ["error": "\(error)"])
            return
        }
        await reportUnreportedTransition()
    }

    private var isTransitioning: Bool {
        switch machine.phase {
        case .starting, .stopping, .pausing, .resuming: true
        case .stopped, .running, .paused: false
        }
    }

    package func engineReconnected() async {
        await reconcile()
    }

    /// Reports the worker's adopted state as a `reconcile` start or stop when it differs from the last
    /// transition reported; nothing while a start or stop is under way (that one reports itself).
    func reportUnreportedTransition() async {
        guard let reported = reportedRunning, !retired else { return }
        let running: Bool
        switch machine.phase {
        case .running, .paused: running = true
        case .stopped: running = false
        case .starting, .stopping, .pausing, .resuming: return
        }
        guard running != reported else { return }
        logger.info(
            running ? "container found running; start recorded" : "container found stopped; stop recorded",
            metadata: ["lifecycle.trigger": "reconcile"])
        await publish(running ? .lazyStart(latency: .zero) : .lazyStop(idle: .zero), trigger: .reconcile)
    }
}
