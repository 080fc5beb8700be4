import AsyncHTTPClient
import Foundation
import Hummingbird
import Lifecycle
import LifecycleTestKit
import Logging
import NIOHTTP1
import Registry
import Server
import ServiceLifecycle

/// One round: the app as `serve` builds it, over `engines` simulated engines, with `agents` lazy container
/// agents; creation, `GET /agents`, then the workload, each measured in this process.
struct ScaleRound {
    let agents: Int
    let engines = 100
    /// Agents woken before the workload and kept running (long idle timeout): the workload's warm targets.
    let warmAgents = 20
    let dispatches = 1_000
    let inFlight = 50
    let listCalls = 100
    /// The idle timeout of every other agent: the workload's wakes stop again within the round.
    let coldIdleSeconds = 5
    let seed: UInt64 = 15

    func run() async throws -> RoundFigures {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dormouse-scale-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var configuration = try ServerConfiguration.fromEnvironment([:])
        configuration.port = 0
        configuration.databasePath = folder.appendingPathComponent("dormouse.sqlite").path
        let database = try DormouseDatabase.open(path: configuration.databasePath)
        let appClient = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
        var logger = Logger(label: "scale")
        logger.logLevel = .error
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = try await buildApplication(
            configuration: configuration, runtime: InMemoryContainerRuntime(), engines: makeEngines(),
            database: database, httpClient: appClient, clock: ContinuousClock(), logger: logger,
            onServerRunning: { _ = portContinuation.yield($0) })
        let group = ServiceGroup(services: [app], logger: logger)
        let figures = try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw BenchmarkError("the server did not start") }
            let figures = try await measure(base: "http://127.0.0.1:\(port)")
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return figures
        }
        try await appClient.shutdown()
        try DormouseDatabase.close(database)
        return figures
    }

    /// `e0`...`e99`, each with the stopped, opted-in containers of its agents (agent `i` on engine `i % 100`).
    private func makeEngines() -> [String: any ContainerRuntime] {
        let latency = EngineLatency(seed: seed)
        var runtimes: [String: any ContainerRuntime] = [:]
        for engine in 0..<engines {
            let base = InMemoryContainerRuntime()
            for agent in stride(from: engine, to: agents, by: engines) { base.addContainer(name: "w\(agent)") }
            runtimes["e\(engine)"] = SimulatedEngine(base, latency: latency)
        }
        return runtimes
    }

    private func measure(base: String) async throws -> RoundFigures {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = inFlight + 8
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        let api = ScaleAPI(base: base, client: client)
        let tap = EventTap()
        let listening = Task { try await tap.listen(base: base, client: client) }
        await tap.waitUntilConnected()
        var figures = RoundFigures(agents: agents)

        let createStart = (ProcessStats.cpuSeconds(), ContinuousClock.now)
        try await forEach(Array(0..<agents), inFlight: 16) { index in
            let idle = index < warmAgents ? 86_400 : coldIdleSeconds
            try await api.call(
                .POST, "/agents",
                #"{"name":"a\#(index)","mode":"container","engine":"e\#(index % engines)","container":{"name":"w\#(index)"},"idle_timeout_s":\#(idle),"dispatch":{"type":"exec","argv":["true"]}}"#,
                expect: 201)
        }
        figures.createCPUSeconds = ProcessStats.cpuSeconds() - createStart.0
        figures.createWallSeconds = (ContinuousClock.now - createStart.1).seconds
        try await Task.sleep(for: .seconds(1))
        figures.idleRSSMiB = ProcessStats.residentMiB()

        figures.listBodyKiB = Double(try await api.call(.GET, "/agents", expect: 200).readableBytes) / 1_024
        var listTimes: [Double] = []
        for _ in 0..<listCalls {
            listTimes.append(
                try await ContinuousClock().measure { _ = try await api.call(.GET, "/agents", expect: 200) }.ms)
        }
        figures.listP50 = ProcessStats.percentile(listTimes, 50)
        figures.listP95 = ProcessStats.percentile(listTimes, 95)
        // The list answers are the largest buffers of the round (server and client), kept by malloc after.
        figures.listRSSMiB = ProcessStats.residentMiB()

        // The warm targets, woken untimed.
        try await forEach(Array(0..<warmAgents), inFlight: warmAgents) { index in
            _ = try await api.call(.POST, "/agents/a\(index)/tasks?wait=true", #"{"payload":"warm"}"#, expect: 200)
        }
        await tap.resetDelays()
        let wakesBefore = await tap.wakes
        try await workload(api: api, tap: tap, figures: &figures)
        figures.wakes = await tap.wakes - wakesBefore
        let delays = await tap.wakeDelays
        figures.fanOutP50 = ProcessStats.percentile(delays, 50)
        figures.fanOutP99 = ProcessStats.percentile(delays, 99)
        figures.fanOutMax = delays.max() ?? .nan
        figures.fanOutSamples = delays.count
        figures.afterRSSMiB = ProcessStats.residentMiB()
        listening.cancel()
        _ = try? await listening.value
        try await client.shutdown()
        return figures
    }

    /// `dispatches` tasks with `wait=true`, `inFlight` at a time: half to the warm agents, half each waking a
    /// distinct stopped agent, in a seeded random order; then waits for those wakes' idle stops.
    private func workload(api: ScaleAPI, tap: EventTap, figures: inout RoundFigures) async throws {
        var generator = SplitMix64(seed: seed &+ UInt64(agents))
        let cold = Array((warmAgents..<agents).shuffled(using: &generator).prefix(dispatches / 2))
        let warm = (0..<(dispatches - cold.count)).map { _ in Int.random(in: 0..<warmAgents, using: &generator) }
        let targets = (cold.map { ($0, true) } + warm.map { ($0, false) }).shuffled(using: &generator)
        let times = RoundTrips()
        let stopsBefore = await tap.stops
        let start = (ProcessStats.cpuSeconds(), ContinuousClock.now)
        try await forEach(targets, inFlight: inFlight) { target in
            let elapsed = try await ContinuousClock().measure {
                _ = try await api.call(
                    .POST, "/agents/a\(target.0)/tasks?wait=true", #"{"payload":"\#(target.0)"}"#, expect: 200)
            }
            await times.add(elapsed.ms, cold: target.1)
        }
        figures.workloadWallSeconds = (ContinuousClock.now - start.1).seconds
        figures.dispatchCPUSeconds = ProcessStats.cpuSeconds() - start.0
        await tap.waitForStops(stopsBefore + cold.count)
        figures.workloadCPUSeconds = ProcessStats.cpuSeconds() - start.0
        figures.settleWallSeconds = (ContinuousClock.now - start.1).seconds
        figures.warmDispatchP50 = ProcessStats.percentile(await times.warm, 50)
        figures.coldDispatchP50 = ProcessStats.percentile(await times.cold, 50)
    }
}

/// Runs `body` for every element, at most `inFlight` at once.
func forEach<T: Sendable>(
    _ elements: [T], inFlight: Int, _ body: @escaping @Sendable (T) async throws -> Void
) async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
        var next = elements.makeIterator()
        for _ in 0..<inFlight {
            guard let element = next.next() else { break }
            group.addTask { try await body(element) }
        }
        while try await group.next() != nil {
            guard let element = next.next() else { continue }
            group.addTask { try await body(element) }
        }
    }
}

/// The workload's round trips, warm and cold apart.
actor RoundTrips {
    private(set) var warm: [Double] = []
    private(set) var cold: [Double] = []

    func add(_ milliseconds: Double, cold isCold: Bool) {
        if isCold { cold.append(milliseconds) } else { warm.append(milliseconds) }
    }
}

extension Duration {
    var ms: Double { Double(components.seconds) * 1_000 + Double(components.attoseconds) / 1e15 }
    var seconds: Double { ms / 1_000 }
}
