/// Which container an instance drives.
package enum ContainerTarget: Sendable, Hashable {
    /// A container the operator created and named; Dormouse starts and stops it, never creates or removes it.
    case existing(name: String)
    /// A container Dormouse creates from an image on first need, labelled with the instance name.
    case managed(ContainerSpec)

    /// The container name used to find it on the engine.
    package var containerName: String {
        switch self {
        case .existing(let name): name
        case .managed(let spec): spec.name
        }
    }
}

/// How an instance's container is run.
package struct LifecyclePolicy: Sendable, Hashable {
    /// Lazy workers start on demand and stop when idle; hot workers are started and never idle-stopped.
    package enum Mode: String, Sendable, Hashable {
        case lazy, hot
    }

    package var mode: Mode
    /// How long after the last task ends an idle lazy worker is stopped.
    package var idleTimeout: Duration
    /// How long after the last task ends an idle lazy worker is paused (frozen, memory kept) before its stop at
    /// `idleTimeout`; nil: never paused. Shorter than `idleTimeout` (validated where agents are declared).
    package var pauseAfter: Duration?
    /// Hours in which an idle lazy worker is never put to sleep beyond paused: its idle stop becomes a pause (when
    /// its backend can pause; else it keeps running) and the stop waits for the window's end.
    package var keepWarm: KeepWarmSchedule?
    package var startTimeout: Duration
    /// How long the engine waits after SIGTERM before it kills the container.
    package var stopGracePeriod: Duration

    package init(
        mode: Mode = .lazy, idleTimeout: Duration = .seconds(300), pauseAfter: Duration? = nil,
        keepWarm: KeepWarmSchedule? = nil, startTimeout: Duration = .seconds(60),
        stopGracePeriod: Duration = .seconds(10)
    ) {
        self.mode = mode
        self.idleTimeout = idleTimeout
        self.pauseAfter = pauseAfter
        self.keepWarm = keepWarm
        self.startTimeout = startTimeout
        self.stopGracePeriod = stopGracePeriod
    }
}
