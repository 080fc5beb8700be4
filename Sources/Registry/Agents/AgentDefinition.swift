import Foundation
import Lifecycle

/// A declared agent: where it runs and how tasks reach it. Its JSON form (snake_case) is both the API's and
/// the database's; decoding rejects unknown fields, `validated()` checks the values.
package struct AgentDefinition: Sendable, Hashable {
    /// Where the agent runs.
    package enum Mode: String, Sendable, Hashable, Codable, CaseIterable {
        /// In a Docker container that Dormouse starts and stops.
        case container
        /// On the Dormouse host itself, as a local command.
        case host
    }

    package var name: String
    package var mode: Mode
    /// `lazy` or `hot`; container mode only (nil for host mode).
    package var lifecycle: LifecyclePolicy.Mode?
    /// The container; container mode only.
    package var container: ContainerBlock?
    /// The engine the container is on, a name from `DORMOUSE_ENGINES`; nil is the local engine (`local`).
    package var engine: String?
    /// A Swarm service in place of `container` (container mode); `target` is nil for it.
    package var swarm: SwarmBlock?
    /// A Kubernetes Deployment in place of `container` (container mode); `target` is nil for it.
    package var kubernetes: KubernetesBlock?
    package var idleTimeoutSeconds: Int
    /// The warm tier: seconds after the last task before an idle lazy worker is paused (frozen, memory kept), then
    /// stopped at `idleTimeoutSeconds` as before; nil: never paused. Container lazy agents only, not Swarm ones.
    package var pauseAfterSeconds: Int?
    /// Keep-warm windows (`"mon-fri 08:00-18:00"`): hours in which the idle worker is never put to sleep beyond
    /// paused; nil: none.
    package var keepWarm: [String]?
    /// The IANA time zone the windows are read in; nil: the server's.
    package var keepWarmTimeZone: String?
    package var startTimeoutSeconds: Int
    /// How many tasks run at once; more wait in order.
    package var maxConcurrency: Int
    /// How many tasks may wait; one more is refused (the API answers 429).
    package var maxQueue: Int
    package var dispatch: DispatchMethod

    package init(
        name: String, mode: Mode, lifecycle: LifecyclePolicy.Mode? = nil, container: ContainerBlock? = nil,
        engine: String? = nil, swarm: SwarmBlock? = nil, kubernetes: KubernetesBlock? = nil,
        idleTimeoutSeconds: Int = 300, pauseAfterSeconds: Int? = nil,
        keepWarm: [String]? = nil, keepWarmTimeZone: String? = nil, startTimeoutSeconds: Int = 60,
        maxConcurrency: Int = 1, maxQueue: Int = 100,
        dispatch: DispatchMethod
    ) {
        self.name = name
        self.mode = mode
        self.lifecycle = mode == .container ? (lifecycle ?? .lazy) : lifecycle
        self.container = container
        self.engine = engine
        self.swarm = swarm
        self.kubernetes = kubernetes
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.pauseAfterSeconds = pauseAfterSeconds
        self.keepWarm = keepWarm
        self.keepWarmTimeZone = keepWarmTimeZone
        self.startTimeoutSeconds = startTimeoutSeconds
        self.maxConcurrency = maxConcurrency
        self.maxQueue = maxQueue
        self.dispatch = dispatch
    }

    /// The lifecycle policy of a container-mode agent.
    package var policy: LifecyclePolicy {
        LifecyclePolicy(
            mode: lifecycle ?? .lazy, idleTimeout: .seconds(idleTimeoutSeconds),
            pauseAfter: pauseAfterSeconds.map { .seconds($0) }, keepWarm: keepWarmSchedule,
            startTimeout: .seconds(startTimeoutSeconds))
    }

    /// The keep-warm windows as a schedule (nil when none, or when invalid: validation refuses those).
    package var keepWarmSchedule: KeepWarmSchedule? {
        guard let keepWarm, !keepWarm.isEmpty else { return nil }
        let zone = keepWarmTimeZone.map { TimeZone(identifier: $0) } ?? TimeZone.current
        guard let zone else { return nil }
        return try? KeepWarmSchedule(keepWarm, timeZone: zone)
    }

    /// The container a container-mode agent drives: an operator's container by name, or one Dormouse
    /// creates from the image (named `dormouse-<agent>` unless a name is given; a hot worker's is restarted by
    /// the engine when it exits on its own).
    package var target: ContainerTarget? {
        guard mode == .container, let container else { return nil }
        guard let image = container.image else { return container.name.map { .existing(name: $0) } }
        return .managed(
            ContainerSpec(
                name: container.name ?? "dormouse-\(name)", image: image, command: container.command,
                environment: container.env ?? [:], restartsOnExit: lifecycle == .hot))
    }

    /// Whether the agent's lifecycle is counted and audited (lazy container agents only).
    package var isLazyContainer: Bool { mode == .container && lifecycle == .lazy }
}

/// The `container` block of an agent.
package struct ContainerBlock: Sendable, Hashable {
    /// An existing container's name, or the name for the container Dormouse creates from `image`.
    package var name: String?
    package var image: String?
    package var command: [String]?
    package var env: [String: String]?

    package init(name: String? = nil, image: String? = nil, command: [String]? = nil, env: [String: String]? = nil) {
        self.name = name
        self.image = image
        self.command = command
        self.env = env
    }
}

/// How a task reaches the agent.
package enum DispatchMethod: Sendable, Hashable {
    /// `argv` runs inside the container (Docker exec) with the payload in `DORMOUSE_PAYLOAD`.
    case exec(argv: [String], timeoutSeconds: Int)
    /// The payload is POSTed to `http://<container ip>:<port><path>`.
    case http(port: Int, path: String, timeoutSeconds: Int)
    /// A host-mode agent: `argv` runs on the Dormouse host, payload on stdin and in `DORMOUSE_PAYLOAD`.
    case command(argv: [String], timeoutSeconds: Int)

    /// The default limit on one task's run time.
    package static let defaultTimeoutSeconds = 300

    package var type: String {
        switch self {
        case .exec: "exec"
        case .http: "http"
        case .command: "command"
        }
    }

    package var timeoutSeconds: Int {
        switch self {
        case .exec(_, let timeout), .http(_, _, let timeout), .command(_, let timeout): timeout
        }
    }
}
