import AsyncHTTPClient
import Foundation
import Lifecycle
import Logging

// dockerd and Podman side by side (issue 16): in every round, on each engine, one raw Engine API start and one
// cold acquire through LifecycleController, engines and steps taking turns to go first, so both engines see the
// same machine noise. `DORMOUSE_PODMAN_HOST` names Podman's socket (default scripts/podman.sh's).

/// One engine's containers, controller and figures.
final class EngineWakeRig {
    let label: String
    let runtime: DockerEngineRuntime
    let timing: TimingRuntime
    let monitor: ContainerEventMonitor
    let monitorTask: Task<Void, any Error>
    let controller: LifecycleController<ContinuousClock>
    let stops = StopWaiter()
    let rawName: String
    let lazyName: String
    var version = ""
    var raw: [Double] = []
    var lifecycle: [Double] = []
    var stopsSeen = 0

    init(label: String, endpoint: DockerEndpoint, client: HTTPClient) async throws {
        self.label = label
        runtime = DockerEngineRuntime(endpoint: endpoint, client: client, logger: logger)
        version = try await runtime.ping()
        let suffix = UInt32.random(in: 0...UInt32.max)
        rawName = "dormouse-bench-raw-\(suffix)"
        lazyName = "dormouse-bench-lazy-\(suffix)"
        for name in [rawName, lazyName] {
            _ = try await runtime.create(
                ContainerSpec(
                    name: name, image: image, command: ["sleep", "3600"], labels: [ContainerLabels.enable: "true"]))
        }
        timing = TimingRuntime(runtime)
        monitor = ContainerEventMonitor(runtime: timing, logger: logger)
        let monitor = monitor
        monitorTask = Task { try await monitor.run() }
        await monitor.waitUntilConnected()
        controller = LifecycleController(
            instance: "bench-\(label)", target: .existing(name: lazyName),
            policy: LifecyclePolicy(mode: .lazy, idleTimeout: .milliseconds(1), stopGracePeriod: .seconds(5)),
            runtime: timing, monitor: monitor, clock: ContinuousClock(), listener: stops, logger: logger)
    }

    func rawStart() async throws {
        let elapsed = try await ContinuousClock().measure { try await runtime.start(rawName) }
        raw.append(elapsed.milliseconds)
        try await runtime.stop(rawName, timeout: .seconds(5))
    }

    func coldAcquire() async throws {
        let elapsed = try await ContinuousClock().measure { _ = try await controller.acquire() }
        lifecycle.append(elapsed.milliseconds)
        await controller.release()
        stopsSeen += 1
        await stops.waitForStops(stopsSeen)
    }

    func tearDown() async {
        await controller.shutdown()
        monitorTask.cancel()
        _ = try? await monitorTask.value
        for name in [rawName, lazyName] { try? await runtime.remove(name) }
    }

    /// The lifecycle's own time in each cold acquire: everything but its engine start call.
    var own: [Double] { zip(lifecycle, timing.startDurations.map(\.milliseconds)).map { $0 - $1 } }
}

func engineWakeBenchmark() async throws {
    let podmanHost =
        ProcessInfo.processInfo.environment["DORMOUSE_PODMAN_HOST"] ?? "unix:///run/dormouse-podman/podman.sock"
    guard let podman = DockerEndpoint(dockerHost: podmanHost) else {
        throw BenchmarkFailure("DORMOUSE_PODMAN_HOST is not an engine address: \(podmanHost)")
    }
    let client = DockerEngineRuntime.makeHTTPClient()
    var rigs: [EngineWakeRig] = []
    do {
        rigs.append(try await EngineWakeRig(label: "dockerd", endpoint: .localSocket, client: client))
        rigs.append(try await EngineWakeRig(label: "podman", endpoint: podman, client: client))
        for round in 0..<rounds {
            let order = round.isMultiple(of: 2) ? rigs : rigs.reversed()
            for rig in order {
                if round.isMultiple(of: 4) || round % 4 == 3 {
                    try await rig.rawStart()
                    try await rig.coldAcquire()
                } else {
                    try await rig.coldAcquire()
                    try await rig.rawStart()
                }
            }
        }
    } catch {
        for rig in rigs { await rig.tearDown() }
        try? await client.shutdown()
        throw error
    }
    for rig in rigs { await rig.tearDown() }
    try await client.shutdown()
    print("dockerd vs Podman, \(rounds) rounds, engines and steps interleaved")
    print("                                   p50 ms   p95 ms")
    for rig in rigs {
        print("\(rig.label) (\(rig.version))")
        print("  raw Engine API start           \(format(percentile(rig.raw, 50)))  \(format(percentile(rig.raw, 95)))")
        print(
            "  lifecycle cold acquire         \(format(percentile(rig.lifecycle, 50)))  "
                + format(percentile(rig.lifecycle, 95)))
        print("  lifecycle's own time           \(format(percentile(rig.own, 50)))  \(format(percentile(rig.own, 95)))")
    }
    let (docker, pod) = (rigs[0], rigs[1])
    let ratio = { (a: [Double], b: [Double]) in String(format: "%.2f", percentile(a, 50) / percentile(b, 50)) }
    print(
        "ratio Podman/dockerd p50: raw start \(ratio(pod.raw, docker.raw)), cold acquire "
            + "\(ratio(pod.lifecycle, docker.lifecycle)), lifecycle's own time \(ratio(pod.own, docker.own))")
}

struct BenchmarkFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
