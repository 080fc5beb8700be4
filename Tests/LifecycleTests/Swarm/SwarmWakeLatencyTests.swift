import Foundation
import Lifecycle
import Logging
import TestSupport
import Testing

/// Wake latency on this engine: Swarm scale 0 -> 1 until the task is `running`, against a plain container
/// start. Prints p50/p95 of 10 runs each; runs only with `DORMOUSE_MEASURE_SWARM=1` (it takes about 30 s).
@Suite(
    "Swarm wake latency", .enabled(if: ProcessInfo.processInfo.environment["DORMOUSE_MEASURE_SWARM"] == "1"),
    .enabled(SwarmFixture.skipReason) { await SwarmFixture.enabled() }, .serialized, .tags(.docker),
    .outsideUnitLane, .timeLimit(.minutes(5)))
struct SwarmWakeLatencyTests {
    static let runs = 10

    @Test func scaleUpAgainstContainerStart() async throws {
        try await SwarmFixture.withServices { services in
            let clock = ContinuousClock()
            let name = SwarmFixture.uniqueName("latency")
            _ = try await services.create(rawSpec: SwarmFixture.operatorSpec(name: name, replicas: 0))
            let swarm = try await SwarmFixture.removing([name], on: services) {
                var samples: [Duration] = []
                for _ in 0..<Self.runs {
                    let start = clock.now
                    try await services.scale(name, to: 1)
                    _ = try await services.waitForRunningTask(
                        of: name, every: .milliseconds(10), timeout: .seconds(30), clock: clock)
                    samples.append(start.duration(to: clock.now))
                    try await services.scale(name, to: 0)
                    try await services.waitForNoRunningTask(
                        of: name, every: .milliseconds(10), timeout: .seconds(30), clock: clock)
                }
                return samples
            }
            let runtime = services.engine
            let container = DockerFixture.uniqueName("latency")
            _ = try await runtime.create(
                ContainerSpec(name: container, image: DockerFixture.image, command: SwarmFixture.command))
            let plain = try await DockerFixture.removing([container], on: runtime) {
                var samples: [Duration] = []
                for _ in 0..<Self.runs {
                    let start = clock.now
                    try await runtime.start(container)
                    samples.append(start.duration(to: clock.now))
                    try await runtime.stop(container, timeout: .seconds(5))
                }
                return samples
            }
            print("swarm scale 0 -> 1 until running: \(Self.summary(swarm))")
            print("plain container start:           \(Self.summary(plain))")
            #expect(swarm.count == Self.runs && plain.count == Self.runs)
        }
    }

    /// A Swarm agent's wake (`SwarmWorkerBackend.wake`, 50 ms task poll) with the task containers' events
    /// followed and without, interleaved so both see the same machine.
    @Test func aWakeWithContainerEventsAgainstThePollAlone() async throws {
        try await SwarmFixture.withServices { services in
            let clock = ContinuousClock()
            let name = SwarmFixture.uniqueName("latency-events")
            _ = try await services.create(rawSpec: SwarmFixture.operatorSpec(name: name, replicas: 0))
            let (followed, polled) = try await SwarmFixture.removing([name], on: services) {
                let logger = Logger(label: "swarm-latency")
                let containers = ContainerEventMonitor(runtime: services.engine, logger: logger)
                let following = Task { try await containers.run() }
                defer { following.cancel() }
                await containers.waitUntilConnected()
                let swarm = SwarmServiceMonitor(services: services, logger: logger)
                let backends = [[containers], []].map {
                    SwarmWorkerBackend(
                        target: .existing(service: name), monitor: swarm, nodeRuntime: { _ in nil },
                        containerMonitors: $0, logger: logger)
                }
                let observer = SwarmContainerEventsTests.Observer()
                var samples: [[Duration]] = [[], []]
                for _ in 0..<Self.runs {
                    for (index, backend) in backends.enumerated() {
                        let worker = try await backend.resolve(knownID: nil, instance: "latency", logger: logger)
                        backend.observe(observer, ids: [worker.id])
                        let start = clock.now
                        try await backend.wake(worker, notBefore: 0)
                        samples[index].append(start.duration(to: clock.now))
                        try await backend.stop(worker.id, grace: .seconds(5))
                        backend.stopObserving()
                    }
                }
                return (samples[0], samples[1])
            }
            print("swarm agent wake, container events followed: \(Self.summary(followed))")
            print("swarm agent wake, task poll alone:           \(Self.summary(polled))")
            #expect(followed.count == Self.runs && polled.count == Self.runs)
        }
    }

    static func summary(_ samples: [Duration]) -> String {
        let sorted = samples.sorted()
        func percentile(_ p: Double) -> String {
            let value = sorted[Int((Double(sorted.count - 1) * p).rounded())]
            return "\(Int(Double(value.nanoseconds) / 1_000_000)) ms"
        }
        return "p50 \(percentile(0.5)), p95 \(percentile(0.95)) (n=\(sorted.count))"
    }
}

extension Duration {
    fileprivate var nanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}
