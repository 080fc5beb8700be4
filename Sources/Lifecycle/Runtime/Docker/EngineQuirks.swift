/// Where an engine's Docker-compatible API departs from dockerd's, chosen from what the engine says it is (`GET
/// /version`, then `GET /info` for Podman). `DockerEngineRuntime` asks these at each place the engines differ, so
/// one backend drives both. Measured with Podman 4.3.1 (API 1.41) as root, against dockerd 20.10 on the same machine.
package struct EngineQuirks: Sendable, Hashable {
    /// What answers: it decides every quirk below.
    package enum Kind: String, Sendable, Hashable {
        case docker = "Docker"
        case podman = "Podman"
    }

    package var kind: Kind
    /// Whether the engine can freeze a container: a rootless engine on cgroup v1 cannot (it may not use the v1
    /// freezer); root engines, and any on cgroup v2, can. Root Podman paused and unpaused on cgroup v1 here.
    package var canPause: Bool

    /// dockerd, or an engine that names itself nothing else.
    package static let docker = EngineQuirks(kind: .docker, canPause: true)

    package init(kind: Kind, canPause: Bool) {
        self.kind = kind
        self.canPause = canPause
    }

    /// The quirks of an engine of `kind` that is `rootless` or not, on cgroup version `cgroupVersion` ("1", "2").
    package init(kind: Kind, rootless: Bool, cgroupVersion: String?) {
        self.init(kind: kind, canPause: !(rootless && cgroupVersion == "1"))
    }

    /// The names to filter `/events` by for the lifecycle's `actions` (named as dockerd names them). Podman filters
    /// by its own names: `died` for `die` and `remove` for `destroy`; a filter on `die` or `destroy` matches nothing
    /// there (its stream then still says `die`, and says `remove`).
    package func eventFilter(_ actions: [String]) -> [String] {
        guard kind == .podman else { return actions }
        return actions.map { action in
            switch action {
            case "die": return "died"
            case "destroy": return "remove"
            default: return action
            }
        }
    }

    /// The engine's name for a container event, as dockerd names it: Podman says `remove` where dockerd says
    /// `destroy` (and `died` in filters, in case its stream ever says it too).
    package func dockerAction(_ action: String) -> String {
        guard kind == .podman else { return action }
        switch action {
        case "remove": return "destroy"
        case "died": return "die"
        default: return action
        }
    }

    /// The status a `health_status` event reports. dockerd 20.10 puts it in the action (`health_status: healthy`),
    /// newer ones in the `health_status` attribute; Podman in a top-level `HealthStatus` field, on every probe (not
    /// only on a change), and its first probe's event says `starting` even when the probe passed.
    package func healthStatus(attributes: [String: String], topLevel: String?) -> String? {
        if kind == .podman, let topLevel { return topLevel }
        return attributes["health_status"]
    }

    /// The error for a refused request: Podman refuses an exec in a container that does not run with 500 and
    /// "container state improper" where dockerd answers 409, which the runtime's contract calls `.conflict`.
    package func refusal(_ error: ContainerRuntimeError, status: Int) -> ContainerRuntimeError {
        guard kind == .podman, status == 500, error.message.contains("container state improper") else { return error }
        return .conflict(error.message)
    }

    /// Whether a refused stop means "thaw it first": Podman refuses to stop a paused container ("is running or
    /// paused, refusing to clean up: container state improper"), which dockerd stops as it is.
    package func stopNeedsUnpause(_ error: ContainerRuntimeError) -> Bool {
        kind == .podman && error.message.contains("container state improper")
    }

    /// Whether Dormouse runs a container's health probe itself while it waits for health. Podman schedules probes
    /// with systemd timers; with no systemd (containers, these machines: "unable to get systemd connection to add
    /// healthchecks" in its log) no probe ever runs and the container stays `starting`. A probe run on demand
    /// (`GET /libpod/containers/{id}/healthcheck`) is harmless where systemd runs them too.
    package var runsHealthchecksOnDemand: Bool { kind == .podman }
}
