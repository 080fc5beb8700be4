import Lifecycle
import TestSupport
import Testing

/// The Podman service itself (`scripts/podman.sh`), through the Docker backend: what it says it is, and the events
/// the lifecycle's filter gets from it. The engine suites' own Podman run (`scripts/test.sh`) covers the rest.
@Suite(
    "Podman through the Docker backend", .enabled(if: PodmanFixture.enabled), .serialized, .tags(.docker),
    .outsideUnitLane)
struct PodmanEngineTests {
    @Test func itIsRecognisedFromItsVersionAnswer() async throws {
        try await PodmanFixture.withRuntime { runtime in
            let description = try await runtime.describe()
            #expect(description.kind == "Podman")
            #expect(description.version.hasPrefix("4."))
            #expect(runtime.quirks.kind == .podman)
            // Root Podman, here on cgroup v1, pauses.
            #expect(runtime.quirks.canPause)
            #expect(try await runtime.ping().hasPrefix("Podman "))
        }
    }

    /// The lifecycle's filter asks Podman for `died` and `remove`: on dockerd's names it would send nothing.
    @Test(.timeLimit(.minutes(1)))
    func theLifecycleStreamCarriesDieAndDestroy() async throws {
        try await PodmanFixture.withRuntime { runtime in
            let name = DockerFixture.uniqueName("podman-events")
            let events = try await runtime.events(since: nil)
            _ = try await runtime.create(
                ContainerSpec(name: name, image: DockerFixture.image, command: ["sleep", "3600"]))
            try await DockerFixture.removing([name], on: runtime) {
                try await runtime.start(name)
                try await runtime.stop(name, timeout: .seconds(1))
                try await runtime.remove(name, force: true)
            }
            var seen: [ContainerEvent.Action] = []
            for try await event in events where event.containerName == name {
                seen.append(event.action)
                if event.action == .destroy { break }
            }
            #expect(seen.first == .start)
            #expect(seen.contains { if case .die = $0 { true } else { false } })
            #expect(seen.last == .destroy)
        }
    }

    /// Podman runs no probe without systemd: the container stays `starting` until one is run on demand.
    @Test func aHealthProbeRunsOnDemand() async throws {
        try await PodmanFixture.withRuntime { runtime in
            let name = DockerFixture.uniqueName("podman-probe")
            let spec = ContainerSpec(
                name: name, image: DockerFixture.image, command: ["sleep", "3600"], healthcheck: ["/bin/true"])
            _ = try await runtime.create(spec)
            try await DockerFixture.removing([name], on: runtime) {
                await #expect { try await runtime.runHealthcheck(name) } throws: {
                    ($0 as? ContainerRuntimeError)?.isConflict == true
                }
                try await runtime.start(name)
                #expect(try await runtime.inspect(name).health == "starting")
                #expect(try await runtime.runHealthcheck(name) == "healthy")
                #expect(try await runtime.inspect(name).health == "healthy")
            }
        }
    }
}
