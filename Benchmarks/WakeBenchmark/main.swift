import AsyncHTTPClient
import Foundation
import Lifecycle
import LifecycleTestKit
import Logging

// Wake benchmark (`make bench`): how much the lifecycle adds to a cold start, and how fast leases are.
//
// 1. N raw Engine API cycles (POST /containers/{id}/start, which the engine answers once the process runs)
//    interleaved with N cold acquires through LifecycleController on the same kind of container, so both
//    see the same machine noise. Between cycles each container is stopped (untimed).
// 2. acquire + release pairs on a running instance, in process (in-memory engine).

let rounds = Int(ProcessInfo.processInfo.environment["WAKE_ROUNDS"] ?? "") ?? 20
let image = ProcessInfo.processInfo.environment["DORMOUSE_TEST_IMAGE"] ?? "dormouse-test/busybox:latest"
let logger: Logger = {
    var logger = Logger(label: "bench")
    logger.logLevel = .error
    return logger
}()

/// Receives events so the benchmark can await the idle stop between rounds.
actor StopWaiter: LifecycleEventListener {
    private var stops = 0
    private var waiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []

    func receive(_ event: LifecycleEvent) async {
        guard case .lazyStop = event.kind else { return }
        stops += 1
        let ready = waiters.filter { $0.count <= stops }
        waiters.removeAll { $0.count <= stops }
        for waiter in ready { waiter.continuation.resume() }
    }

    func waitForStops(_ count: Int) async {
        guard stops < count else { return }
        await withCheckedContinuation { waiters.append((count, $0)) }
    }
}

func percentile(_ values: [Double], _ p: Double) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .nan }
    let rank = p / 100 * Double(sorted.count - 1)
    let (low, high) = (Int(rank.rounded(.down)), Int(rank.rounded(.up)))
    return sorted[low] + (sorted[high] - sorted[low]) * (rank - Double(low))
}

func format(_ value: Double) -> String { String(format: "%7.2f", value) }

func wakeBenchmark() async throws {
    let client = DockerEngineRuntime.makeHTTPClient()
    let runtime = DockerEngineRuntime(client: client, logger: logger)
    let version = try await runtime.ping()
    let suffix = UInt32.random(in: 0...UInt32.max)
    let rawName = "dormouse-bench-raw-\(suffix)"
    let lazyName = "dormouse-bench-lazy-\(suffix)"
    for name in [rawName, lazyName] {
        _ = try await runtime.create(
            ContainerSpec(
                name: name, image: image, command: ["sleep", "3600"], labels: [ContainerLabels.enable: "true"]))
    }
    let timing = TimingRuntime(runtime)
    let monitor = ContainerEventMonitor(runtime: timing, logger: logger)
    let monitorTask = Task { try await monitor.run() }
    await monitor.waitUntilConnected()
    let stops = StopWaiter()
    let controller = LifecycleController(
        instance: "bench", target: .existing(name: lazyName),
        policy: LifecyclePolicy(mode: .lazy, idleTimeout: .milliseconds(1), stopGracePeriod: .seconds(5)),
        runtime: timing, monitor: monitor, clock: ContinuousClock(), listener: stops, logger: logger)

    var raw: [Double] = []
    var lifecycle: [Double] = []
    let clock = ContinuousClock()
    for round in 0..<rounds {
        // Alternate which goes first so drift on the machine hits both alike.
        for step in round.isMultiple(of: 2) ? [0, 1] : [1, 0] {
            if step == 0 {
                let elapsed = try await clock.measure { try await runtime.start(rawName) }
                raw.append(elapsed.milliseconds)
                try await runtime.stop(rawName, timeout: .seconds(5))
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
    _ = try? await monitorTask.value
    for name in [rawName, lazyName] { try? await runtime.remove(name) }
    try await client.shutdown()

    // The lifecycle's own time in each cold acquire: everything but its engine start call.
    let own = zip(lifecycle, timing.startDurations.map(\.milliseconds)).map { $0 - $1 }
    let (rawP50, rawP95) = (percentile(raw, 50), percentile(raw, 95))
    let (lifeP50, lifeP95) = (percentile(lifecycle, 50), percentile(lifecycle, 95))
    print("engine: \(version); \(rounds) rounds, interleaved")
    print("                         p50 ms   p95 ms")
    print("raw Engine API start   \(format(rawP50))  \(format(rawP95))")
    print("lifecycle cold acquire \(format(lifeP50))  \(format(lifeP95))")
    print("lifecycle's own time   \(format(percentile(own, 50)))  \(format(percentile(own, 95)))")
    print("  (each cold acquire minus its own engine start call: inspect, readiness event, actor hops)")
    let ratio50 = String(format: "%.3f", lifeP50 / rawP50)
    let ratio95 = String(format: "%.3f", lifeP95 / rawP95)
    print("ratio lifecycle/raw: p50 \(ratio50), p95 \(ratio95); difference of p50s \(format(lifeP50 - rawP50)) ms")
}

func leaseBenchmark() async throws {
    let runtime = InMemoryContainerRuntime()
    runtime.addContainer(name: "hot-path")
    let monitor = ContainerEventMonitor(runtime: runtime, logger: logger)
    let controller = LifecycleController(
        instance: "hot-path", target: .existing(name: "hot-path"), policy: LifecyclePolicy(), runtime: runtime,
        monitor: monitor, clock: ContinuousClock(), listener: LifecycleEventListeners([]), logger: logger)
    let monitorTask = Task { try await monitor.run() }
    await monitor.waitUntilConnected()
    _ = try await controller.acquire()
    await controller.release()
    let pairs = 1_000_000
    let elapsed = try await ContinuousClock().measure {
        for _ in 0..<pairs {
            _ = try await controller.acquire()
            await controller.release()
        }
    }
    print(
        "acquire+release on a running instance: \(Int(Double(pairs) / elapsed.seconds)) pairs/s "
            + "(\(pairs) pairs in \(String(format: "%.3f", elapsed.seconds)) s, one caller)")
    await controller.shutdown()
    monitorTask.cancel()
}

// WAKE_ONLY=warm runs the warm-tier comparison alone; WAKE_ONLY=engines the dockerd/Podman comparison alone.
let only = ProcessInfo.processInfo.environment["WAKE_ONLY"]
if only == "engines" {
    try await engineWakeBenchmark()
    exit(0)
}
if only != "warm" {
    try await leaseBenchmark()
    try await wakeBenchmark()
    try await swarmWakeBenchmark()
}
try await warmWakeBenchmark()
try await pausedMemoryBenchmark()
