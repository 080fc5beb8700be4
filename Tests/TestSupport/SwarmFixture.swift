import Foundation
import Lifecycle
import Testing

/// The single-node swarm that `scripts/bootstrap.sh` makes of the test engine, and helpers for its services.
///
/// Swarm tests run when the engine is a swarm manager. With `DORMOUSE_REQUIRE_DOCKER=1` (`make test`, CI) they
/// always run, so an engine that is not a manager fails them (with `SwarmServices.requireManager`'s message)
/// instead of skipping them.
package enum SwarmFixture {
    /// Why the swarm tests are skipped when they are.
    package static let skipReason: Comment =
        "the Docker engine is not a swarm manager (scripts/bootstrap.sh makes it one)"

    /// Whether the swarm tests run: they are required, or the engine answers as a swarm manager.
    package static func enabled() async -> Bool {
        guard !DockerFixture.required else { return true }
        guard DockerFixture.enabled else { return false }
        return (try? await DockerFixture.withRuntime { try await SwarmServices(engine: $0).isManager() }) ?? false
    }

    /// Runs `body` with the service calls of a fresh runtime, after checking that the engine is a manager.
    package static func withServices<T>(_ body: (SwarmServices) async throws -> T) async throws -> T {
        try await DockerFixture.withRuntime { runtime in
            let services = SwarmServices(engine: runtime)
            try await services.requireManager()
            return try await body(services)
        }
    }

    /// Runs `body`, then removes the named services (awaited, also when `body` throws or the test is cancelled);
    /// the engine removes their tasks' containers with them.
    package static func removing<T>(
        _ names: [String], on services: SwarmServices, _ body: () async throws -> T
    ) async throws -> T {
        do {
            let result = try await body()
            for name in names { try await services.remove(name) }
            return result
        } catch {
            // In a task of its own: a test cancelled by its time limit must still remove its services, and a
            // request from the cancelled task would be cancelled too.
            await Task {
                for name in names { try? await services.remove(name) }
            }.value
            throw error
        }
    }

    /// A service name no other test uses (Swarm allows 63 characters).
    package static func uniqueName(_ prefix: String) -> String {
        "dormouse-test-\(prefix)-\(UInt32.random(in: 0...UInt32.max))"
    }

    /// The test image runs `sleep` under docker-init, so a scale to 0 ends its task at once.
    package static let command = ["sleep", "3600"]

    /// A whole `ServiceSpec` as an operator would write it: replicated with `replicas` (or global), with labels
    /// (`dev.dormouse.enable=true` when `optedIn`) and, when `rich`, many fields set (environment, container
    /// labels, constraints, healthcheck, resources, restart, update and rollback settings). Unless `placed`, a
    /// constraint no node meets keeps its tasks pending: tests that only change the spec start no container.
    package static func operatorSpec(
        name: String, replicas: Int? = 0, optedIn: Bool = true, rich: Bool = false, placed: Bool = true
    ) -> Data {
        var container: [String: Any] = ["Image": DockerFixture.image, "Args": command, "Init": true]
        var template: [String: Any] = ["ContainerSpec": container]
        if rich {
            container["Env"] = ["A=1", "B=two words", "C=/a/path"]
            container["Labels"] = ["team": "infra", "tier": "worker"]
            container["Dir"] = "/tmp"
            container["StopGracePeriod"] = 2_000_000_000
            container["Healthcheck"] = [
                "Test": ["CMD", "true"], "Interval": 1_000_000_000, "Timeout": 500_000_000, "Retries": 2,
                "StartPeriod": 100_000_000,
            ]
            template = [
                "ContainerSpec": container,
                "Resources": [
                    "Limits": ["NanoCPUs": 500_000_000, "MemoryBytes": 64 * 1024 * 1024],
                    "Reservations": ["MemoryBytes": 8 * 1024 * 1024],
                ],
                "RestartPolicy": ["Condition": "on-failure", "Delay": 1_000_000_000, "MaxAttempts": 3],
                "Placement": [
                    "Constraints": ["node.role==manager", "node.platform.os==linux"],
                    "Preferences": [["Spread": ["SpreadDescriptor": "node.id"]]],
                ],
            ]
        }
        let mode: [String: Any] = replicas.map { ["Replicated": ["Replicas": $0]] } ?? ["Global": [String: Any]()]
        if !placed {
            var placement = template["Placement"] as? [String: Any] ?? [:]
            placement["Constraints"] =
                (placement["Constraints"] as? [String] ?? []) + ["node.labels.dormouse-nowhere==1"]
            template["Placement"] = placement
        }
        var spec: [String: Any] = [
            "Name": name, "TaskTemplate": template,
            "Mode": mode,
            "Labels": optedIn ? [ContainerLabels.enable: "true", "owner": "ops"] : ["owner": "ops"],
        ]
        if rich {
            spec["UpdateConfig"] = [
                "Parallelism": 2, "Delay": 1_000_000_000, "FailureAction": "pause", "MaxFailureRatio": 0.25,
                "Order": "stop-first",
            ]
            spec["RollbackConfig"] = ["Parallelism": 1, "FailureAction": "continue", "Order": "stop-first"]
            spec["EndpointSpec"] = ["Mode": "dnsrr"]
        }
        return try! JSONSerialization.data(withJSONObject: spec, options: [.sortedKeys])
    }
}
