import AsyncHTTPClient
import Foundation
import Lifecycle
import Logging

/// Wake latency of a Swarm service agent: N raw scale-ups (`POST /services/{id}/update` to 1 replica, then the
/// tasks polled every 50 ms, as the backend does, until one runs) interleaved with N cold acquires through a
/// `LifecycleController` on a `SwarmWorkerBackend`, each on its own opted-in service on the same engine. Between
/// rounds both go back to 0 (untimed). Skipped when the engine is not a swarm manager.
func swarmWakeBenchmark() async throws {
    let client = DockerEngineRuntime.makeHTTPClient()
    let runtime = DockerEngineRuntime(client: client, logger: logger)
    let services = SwarmServices(engine: runtime)
    guard (try? await services.isManager()) == true else {
        print("swarm wake: skipped, the engine is not a swarm manager (scripts/bootstrap.sh makes it one)")
        try await client.shutdown()
        return
    }
    let suffix = UInt32.random(in: 0...UInt32.max)
    let (rawName, lazyName) = ("dormouse-bench-swarm-raw-\(suffix)", "dormouse-bench-swarm-lazy-\(suffix)")
    for name in [rawName, lazyName] { _ = try await services.create(rawSpec: serviceSpec(name)) }
    let monitor = SwarmServiceMonitor(services: services, logger: logger)
    let monitorTask = Task { try await monitor.run() }
    let stops = StopWaiter()
    let poll = Duration.milliseconds(50)
    let controller = LifecycleController(
        instance: "bench-swarm",
        backend: SwarmWorkerBackend(
            target: .existing(service: lazyName), monitor: monitor, nodeRuntime: { _ in runtime }, pollInterval: poll,
            logger: logger),
        policy: LifecyclePolicy(mode: .lazy, idleTimeout: .milliseconds(1), stopGracePeriod: .seconds(5)),
        clock: ContinuousClock(), listener: stops, logger: logger)

    let rounds = max(10, Int(ProcessInfo.processInfo.environment["SWARM_WAKE_ROUNDS"] ?? "") ?? 10)
    var raw: [Double] = []
    var lifecycle: [Double] = []
    let clock = ContinuousClock()
    for round in 0..<rounds {
        for step in round.isMultiple(of: 2) ? [0, 1] : [1, 0] {
            if step == 0 {
                let elapsed = try await clock.measure {
                    try await services.scale(rawName, to: 1)
                    _ = try await services.waitForRunningTask(
                        of: rawName, every: poll, timeout: .seconds(60), clock: clock)
                }
                raw.append(elapsed.milliseconds)
                try await services.scale(rawName, to: 0)
                try await services.waitForNoRunningTask(of: rawName, every: poll, timeout: .seconds(60), clock: clock)
            } else {
                let elapsed = try await clock.measure { _ = try await controller.acquire() }
                lifecycle.append(elapsed.milliseconds)
                await controller.release()
                await stops.waitForStops(round + 1)
            }
        }
    }
    await controller.shutdown()
    monitorTask.cancel()
    for name in [rawName, lazyName] { try? await services.remove(name) }
    try await client.shutdown()

    let (rawP50, rawP95) = (percentile(raw, 50), percentile(raw, 95))
    let (lifeP50, lifeP95) = (percentile(lifecycle, 50), percentile(lifecycle, 95))
    print("swarm wake: \(rounds) rounds, interleaved; tasks polled every \(poll) in both")
    print("                                 p50 ms   p95 ms")
    print("raw scale 0 → 1 until running  \(format(rawP50))  \(format(rawP95))")
    print("lifecycle cold acquire (swarm) \(format(lifeP50))  \(format(lifeP95))")
    let ratio50 = String(format: "%.3f", lifeP50 / rawP50)
    print("ratio lifecycle/raw: p50 \(ratio50); difference of p50s \(format(lifeP50 - rawP50)) ms")
}

/// An operator's service on the test image, opted in, at 0 replicas, with docker-init so a scale to 0 is quick.
private func serviceSpec(_ name: String) -> Data {
    let spec: [String: Any] = [
        "Name": name, "Labels": [ContainerLabels.enable: "true"], "Mode": ["Replicated": ["Replicas": 0]],
        "TaskTemplate": [
            "ContainerSpec": ["Image": image, "Args": ["sleep", "3600"], "Init": true],
            "RestartPolicy": ["Condition": "on-failure"],
        ],
    ]
    return try! JSONSerialization.data(withJSONObject: spec)
}
