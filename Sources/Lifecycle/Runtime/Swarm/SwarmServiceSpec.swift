/// A service Dormouse creates for an agent, with zero replicas; the lifecycle scales it up on demand.
package struct SwarmServiceSpec: Sendable, Hashable {
    /// The service's name in the swarm.
    package var name: String
    /// The agent (instance) that owns the service; `create` labels the service and its containers with it.
    package var agent: String
    package var image: String
    /// Replaces the image's CMD when set (an imported image without CMD needs one).
    package var command: [String]?
    package var environment: [String: String]
    /// Extra labels, on the service and its containers; Dormouse's own (`SwarmServiceLabels`) are added over them.
    package var labels: [String: String]
    /// A container healthcheck command (`CMD` form); nil keeps the image's own. Swarm holds a task in
    /// `starting` until it passes.
    package var healthcheck: [String]?
    /// Restart policy condition `on-failure` when true, `none` when false; never `any`. With `any` Swarm restarts
    /// a worker that exits on its own (status 0), so the service keeps a task Dormouse did not ask for and an
    /// agent that finished reads as running again. `on-failure` suits a hot worker (a crash is replaced, a clean
    /// exit is respected). `none` is not used for Dormouse's own services: with it, Swarm 20.10 makes no task
    /// for every other scale 0 → 1 (measured: tasks on the 1st, 3rd and 5th of five scale-ups, none on the
    /// others; `on-failure` and `any` made one every time). Scaling to 0 is never fought: it shuts the task down.
    package var restartsOnFailure: Bool

    package init(
        name: String, agent: String, image: String, command: [String]? = nil, environment: [String: String] = [:],
        labels: [String: String] = [:], healthcheck: [String]? = nil, restartsOnFailure: Bool = false
    ) {
        self.name = name
        self.agent = agent
        self.image = image
        self.command = command
        self.environment = environment
        self.labels = labels
        self.healthcheck = healthcheck
        self.restartsOnFailure = restartsOnFailure
    }

    /// 16 hex digits over what the service runs (image, command, environment, healthcheck, restart policy); the
    /// name, agent and labels are left out, as in `ContainerSpec.fingerprint`.
    package var fingerprint: String {
        ContainerSpec(
            name: name, image: image, command: command, environment: environment, healthcheck: healthcheck,
            useInit: true, restartsOnExit: restartsOnFailure
        ).fingerprint
    }
}
