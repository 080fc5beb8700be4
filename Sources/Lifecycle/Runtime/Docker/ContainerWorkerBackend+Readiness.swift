/// Readiness: the engine's event says the container is ready, or, while the event stream cannot be trusted to,
/// the engine's answer to `inspect` does.
extension ContainerWorkerBackend {
    /// Waits for the ticket's event; once the subscription that was up at the start call (`stream`) is down
    /// or replaced, the container is also inspected every `probeInterval` until it is ready (whichever comes
    /// first wins). So readiness never depends on the stream alone: after an engine restart the start event
    /// may come late, or never.
    func awaitReady(_ ticket: UInt64, containerID: String, requiresHealthy: Bool, stream: Int) async throws {
        let (runtime, monitor, clock) = (self.runtime, self.monitor, self.clock)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await monitor.readiness.wait(ticket) }
            if requiresHealthy, let engine = runtime as? DockerEngineRuntime, engine.quirks.runsHealthchecksOnDemand {
                group.addTask {
                    try await Self.probeUntilHealthy(
                        containerID, engine: engine, interval: monitor.probeInterval, clock: clock)
                }
            }
            group.addTask {
                await monitor.waitUntilStreamLost(since: stream)
                try await Self.pollUntilReady(
                    containerID, requiresHealthy: requiresHealthy, runtime: runtime, interval: monitor.probeInterval,
                    clock: clock)
            }
            defer { group.cancelAll() }
            _ = try await group.next()
        }
    }

    /// Runs the container's health probe every `interval` until one passes, for an engine that runs none on its own
    /// (`EngineQuirks.runsHealthchecksOnDemand`). A failed probe is not the end: the engine counts its retries and
    /// reports `unhealthy` through its event or `inspect`, which the other tasks of the wait read.
    private static func probeUntilHealthy(
        _ containerID: String, engine: DockerEngineRuntime, interval: Duration, clock: any Clock<Duration>
    ) async throws {
        while true {
            try Task.checkCancellation()
            do {
                if try await engine.runHealthcheck(containerID) == "healthy" { return }
            } catch let error as ContainerRuntimeError where error.isNotFound {
                throw ContainerRuntimeError.notFound("container was removed before it became ready")
            } catch let error as ContainerRuntimeError where error.isEngineUnavailable {
                // The engine is coming back: the stream's loss makes the wait inspect; probe again after the pause.
            } catch let error as ContainerRuntimeError where error.isConflict {
                // Not running (yet, or any more): the start and die events decide; probe again after the pause.
            }
            try await clock.sleep(for: interval)
        }
    }

    /// Inspects the container every `interval` until it runs (and is healthy, if it has a healthcheck); throws
    /// when it exited, reported unhealthy or was removed. An engine that does not answer is asked again.
    private static func pollUntilReady(
        _ containerID: String, requiresHealthy: Bool, runtime: any ContainerRuntime, interval: Duration,
        clock: any Clock<Duration>
    ) async throws {
        while true {
            try Task.checkCancellation()
            do {
                let status = try await runtime.inspect(containerID)
                guard status.isRunning else {
                    throw ContainerRuntimeError.notReady("container exited before it became ready")
                }
                if !requiresHealthy || status.health == "healthy" { return }
                if status.health == "unhealthy" {
                    throw ContainerRuntimeError.notReady("container reported unhealthy before it became ready")
                }
            } catch let error as ContainerRuntimeError where error.isNotFound {
                throw ContainerRuntimeError.notFound("container was removed before it became ready")
            } catch let error as ContainerRuntimeError where error.isNotReady {
                throw error
            } catch {
                // The engine is still coming back: ask again.
            }
            try await clock.sleep(for: interval)
        }
    }
}
