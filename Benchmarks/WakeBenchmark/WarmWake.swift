import AsyncHTTPClient
import Foundation
import Lifecycle
import Logging

/// Counts lifecycle events by type, so the benchmark can await a pause or a stop between rounds.
actor EventCounter: LifecycleEventListener {
    private var counts: [String: Int] = [:]
    private var waiters: [(type: String, count: Int, continuation: CheckedContinuation<Void, Never>)] = []

    func receive(_ event: LifecycleEvent) async {
        counts[event.type, default: 0] += 1
        let ready = waiters.filter { counts[$0.type, default: 0] >= $0.count }
        waiters.removeAll { counts[$0.type, default: 0] >= $0.count }
        for waiter in ready { waiter.continuation.resume() }
    }

    func waitFor(_ type: String, count: Int) async {
        guard counts[type, default: 0] < count else { return }
        await withCheckedContinuation { waiters.append((type, count, $0)) }
    }
}

/// Issue 17's comparison, interleaved on three containers of the same kind (N rounds, the order rotating):
/// - warm: a dispatch to a paused worker (acquire, which thaws it, then the task's exec, then release), waiting
///   untimed for the next pause (`pauseAfter` 1 ms, stop never);
/// - cold: the same dispatch to a stopped worker (acquire, which starts it), waiting untimed for the idle stop;
/// - raw: the engine calls alone on a paused container, `POST /unpause` then the exec, re-paused untimed.
/// Dormouse's own time on a warm wake is the warm dispatch minus its own unpause and exec calls.
func warmWakeBenchmark() async throws {
    let client = DockerEngineRuntime.makeHTTPClient()
    let runtime = DockerEngineRuntime(client: client, logger: logger)
    let suffix = UInt32.random(in: 0...UInt32.max)
    let names = ["warm", "cold", "raw"].map { "dormouse-bench-\($0)-\(suffix)" }
    for name in names {
        _ = try await runtime.create(
            ContainerSpec(
                name: name, image: image, command: ["sleep", "3600"], labels: [ContainerLabels.enable: "true"]))
    }
    let (warmName, coldName, rawName) = (names[0], names[1], names[2])
    let warmTiming = TimingRuntime(runtime)
    let coldTiming = TimingRuntime(runtime)
    let monitor = ContainerEventMonitor(runtime: runtime, logger: logger)
    let monitorTask = Task { try await monitor.run() }
    await monitor.waitUntilConnected()
    let events = EventCounter()
    let warm = LifecycleController(
        instance: "warm", target: .existing(name: warmName),
        policy: LifecyclePolicy(idleTimeout: .seconds(3_600), pauseAfter: .milliseconds(1)), runtime: warmTiming,
        monitor: monitor, clock: ContinuousClock(), listener: events, logger: logger)
    let coldEvents = EventCounter()
    let cold = LifecycleController(
        instance: "cold", target: .existing(name: coldName),
        policy: LifecyclePolicy(idleTimeout: .milliseconds(1), stopGracePeriod: .seconds(5)), runtime: coldTiming,
        monitor: monitor, clock: ContinuousClock(), listener: coldEvents, logger: logger)
    let task = ExecRequest(argv: ["true"])

    // The warm worker's first start, and the raw container running then paused: both untimed.
    _ = try await warm.acquire()
    await warm.release()
    await events.waitFor("lazy_pause", count: 1)
    try await runtime.start(rawName)
    try await runtime.pause(rawName)

    var (warmTimes, coldTimes, rawTimes) = ([Double](), [Double](), [Double]())
    // The wake alone (the acquire; for raw, the unpause), inside each timed dispatch.
    var (warmWakes, coldWakes, rawWakes) = ([Double](), [Double](), [Double]())
    let clock = ContinuousClock()
    for round in 0..<rounds {
        for step in (0..<3).map({ ($0 + round) % 3 }) {
            switch step {
            case 0:
                let elapsed = try await clock.measure {
                    warmWakes.append(try await clock.measure { _ = try await warm.acquire() }.milliseconds)
                    _ = try await warmTiming.exec(warmName, task)
                }
                warmTimes.append(elapsed.milliseconds)
                await warm.release()
                await events.waitFor("lazy_pause", count: round + 2)
            case 1:
                let elapsed = try await clock.measure {
                    coldWakes.append(try await clock.measure { _ = try await cold.acquire() }.milliseconds)
                    _ = try await coldTiming.exec(coldName, task)
                }
                coldTimes.append(elapsed.milliseconds)
                await cold.release()
                await coldEvents.waitFor("lazy_stop", count: round + 1)
            default:
                let elapsed = try await clock.measure {
                    rawWakes.append(try await clock.measure { try await runtime.unpause(rawName) }.milliseconds)
                    _ = try await runtime.exec(rawName, task)
                }
                rawTimes.append(elapsed.milliseconds)
                try await runtime.pause(rawName)
            }
        }
    }
    await warm.shutdown()
    await cold.shutdown()
    monitorTask.cancel()
    _ = try? await monitorTask.value
    for name in names { try? await runtime.remove(name, force: true) }
    try await client.shutdown()

    // The warm worker's first wake was a start: every unpause and exec recorded belongs to a timed round.
    let engineCalls = zip(warmTiming.unpauseDurations, warmTiming.execDurations).map {
        $0.milliseconds + $1.milliseconds
    }
    let own = zip(warmTimes, engineCalls).map { $0 - $1 }
    let (warm50, cold50, raw50) = (percentile(warmTimes, 50), percentile(coldTimes, 50), percentile(rawTimes, 50))
    let (warmWake50, coldWake50) = (percentile(warmWakes, 50), percentile(coldWakes, 50))
    print("\(rounds) rounds, interleaved (order rotating); task: exec `true`")
    print("                                   p50 ms   p95 ms")
    print("warm dispatch (paused -> done)   \(format(warm50))  \(format(percentile(warmTimes, 95)))")
    print("cold dispatch (stopped -> done)  \(format(cold50))  \(format(percentile(coldTimes, 95)))")
    print("raw unpause + exec               \(format(raw50))  \(format(percentile(rawTimes, 95)))")
    print("  warm wake (acquire: thaw)      \(format(warmWake50))  \(format(percentile(warmWakes, 95)))")
    print("  cold wake (acquire: start)     \(format(coldWake50))  \(format(percentile(coldWakes, 95)))")
    print("  raw unpause                    \(format(percentile(rawWakes, 50)))  \(format(percentile(rawWakes, 95)))")
    print("  the task's exec (warm rounds)  \(format(percentile(warmTiming.execDurations.map(\.milliseconds), 50)))")
    print("Dormouse's own time, warm wake   \(format(percentile(own, 50)))  \(format(percentile(own, 95)))")
    print("  (each warm dispatch minus its own unpause and exec calls)")
    print(
        "at p50: cold/warm wake \(String(format: "%.1f", coldWake50 / warmWake50))x, cold/warm dispatch "
            + "\(String(format: "%.1f", cold50 / warm50))x; warm/raw dispatch \(String(format: "%.3f", warm50 / raw50))"
    )
}

/// A paused worker's memory against the same worker running: one that holds 32 MiB (in /dev/shm, charged to its
/// cgroup), read from the engine as `docker stats` shows it before and after the pause.
func pausedMemoryBenchmark() async throws {
    let client = DockerEngineRuntime.makeHTTPClient()
    let runtime = DockerEngineRuntime(client: client, logger: logger)
    let name = "dormouse-bench-memory-\(UInt32.random(in: 0...UInt32.max))"
    _ = try await runtime.create(
        ContainerSpec(
            name: name, image: image,
            command: ["sh", "-c", "head -c 33554432 /dev/zero > /dev/shm/held && sleep 3600"],
            labels: [ContainerLabels.enable: "true"]))
    try await runtime.start(name)
    var running: UInt64 = 0
    for _ in 0..<100 {
        running = try await runtime.memoryUsage(name)
        if running >= 32 * 1_048_576 { break }
        try await Task.sleep(for: .milliseconds(50))
    }
    try await runtime.pause(name)
    let paused = try await runtime.memoryUsage(name)
    try? await runtime.remove(name, force: true)
    try await client.shutdown()
    let mebibytes = { (bytes: UInt64) in String(format: "%.2f MiB", Double(bytes) / 1_048_576) }
    print(
        "memory of a worker holding 32 MiB: running \(mebibytes(running)), paused \(mebibytes(paused)) "
            + "(ratio \(String(format: "%.3f", Double(paused) / Double(max(running, 1)))))")
}
