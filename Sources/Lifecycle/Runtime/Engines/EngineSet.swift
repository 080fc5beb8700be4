import Logging

/// The container engines one Dormouse drives, by name: each with its own runtime and its own event monitor
/// (a `Service` that reconnects on its own), so an engine that is down affects only its agents.
package struct EngineSet: Sendable {
    /// One engine: its name, runtime and event subscription.
    package struct Engine: Sendable {
        package let name: String
        package let runtime: any ContainerRuntime
        package let monitor: ContainerEventMonitor
        /// The engine's Swarm service events, when it is a Docker engine (a manager has some to send).
        package let swarm: SwarmServiceMonitor?

        package init(
            name: String, runtime: any ContainerRuntime, monitor: ContainerEventMonitor,
            swarm: SwarmServiceMonitor? = nil
        ) {
            self.name = name
            self.runtime = runtime
            self.monitor = monitor
            self.swarm = swarm
        }
    }

    /// The name of the engine of `DOCKER_HOST`, which agents without an `engine` field run on.
    package static let localName = "local"

    private let engines: [String: Engine]
    /// Which engine is which swarm node, for exec into a Swarm worker's task.
    package let nodes: SwarmNodeDirectory
    /// The Kubernetes cluster of `DORMOUSE_KUBERNETES` (its Deployment watches), when one is configured.
    package var kubernetes: KubernetesDeploymentMonitor?

    /// The set of `engines`; they must include `local` (the default engine).
    package init(_ engines: [Engine]) {
        self.engines = Dictionary(engines.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.nodes = SwarmNodeDirectory(
            engines: engines.sorted { $0.name < $1.name }.compactMap { $0.runtime as? DockerEngineRuntime })
        precondition(self.engines[Self.localName] != nil, "the engine set needs a \"local\" engine")
    }

    /// One engine, `local`, with the given runtime and monitor.
    package init(runtime: any ContainerRuntime, monitor: ContainerEventMonitor) {
        self.init([Engine(name: Self.localName, runtime: runtime, monitor: monitor)])
    }

    /// A monitor for each runtime (logging with `engine.name`); `runtimes` must include `local`.
    package init(runtimes: [String: any ContainerRuntime], logger: Logger) {
        self.init(
            runtimes.map { name, runtime in
                var logger = logger
                logger[metadataKey: "engine.name"] = "\(name)"
                return Engine(
                    name: name, runtime: runtime, monitor: ContainerEventMonitor(runtime: runtime, logger: logger),
                    swarm: (runtime as? DockerEngineRuntime).map {
                        SwarmServiceMonitor(services: SwarmServices(engine: $0), logger: logger)
                    })
            })
    }

    /// The engine of that name; nil when it is not configured. A nil name is the local engine.
    package subscript(name: String?) -> Engine? { engines[name ?? Self.localName] }

    /// The default engine (`local`).
    package var local: Engine { engines[Self.localName]! }

    /// The configured names, sorted.
    package var names: [String] { engines.keys.sorted() }

    /// Every engine, by name.
    package var all: [Engine] { names.compactMap { engines[$0] } }
}
