import Foundation

// Scale simulation (issue 15, `make bench`): the app as `serve` builds it, with 100 simulated engines and a
// growing number of lazy container agents spread evenly over them, measured at each size in a child process of
// its own (so CPU and RSS of one size do not carry into the next). The engines are `InMemoryContainerRuntime`s
// with a seeded latency distribution (EngineLatency): a simulation of Docker, not Docker.
//
// `ScaleBenchmark` runs the rounds (SCALE_AGENTS, default 1000,10000) and prints the table;
// `ScaleBenchmark --round N RESULT.json` runs one round (what the parent starts).

let arguments = CommandLine.arguments
if arguments.count == 4, arguments[1] == "--round", let agents = Int(arguments[2]) {
    let figures = try await ScaleRound(agents: agents).run()
    try JSONEncoder().encode(figures).write(to: URL(fileURLWithPath: arguments[3]))
} else {
    let sizes = (ProcessInfo.processInfo.environment["SCALE_AGENTS"] ?? "1000,10000")
        .split(separator: ",").compactMap { Int($0) }
    print(
        """
        SIMULATION: the engines are in-memory fakes (InMemoryContainerRuntime) with a seeded latency distribution \
        (inspect 1–3 ms, start 250–350 ms + a 10 % tail, stop 50–150 ms, exec 30–60 ms), not Docker.
        Each size runs in a fresh process: the real app (buildApplication), a fresh SQLite file, real HTTP on \
        loopback, ContinuousClock; 100 engines e0…e99; agents created over the REST API, 16 at a time.
        Workload: 1,000 POST /agents/NAME/tasks?wait=true, 50 in flight, half to 20 running workers and half each \
        waking a distinct stopped one (idle timeout 5 s, so they stop again within the round).
        CPU and RSS are the whole process's: the server and the benchmark's own HTTP client and SSE subscriber.
        """)
    var rounds: [RoundFigures] = []
    for agents in sizes {
        let result = FileManager.default.temporaryDirectory.appendingPathComponent("scale-\(UUID()).json")
        print("== \(agents) agents")
        try await runChild(arguments: ["--round", "\(agents)", result.path])
        rounds.append(try JSONDecoder().decode(RoundFigures.self, from: Data(contentsOf: result)))
        try? FileManager.default.removeItem(at: result)
    }
    print(RoundFigures.table(rounds))
}

/// Runs this executable again with `arguments` and returns when it has exited successfully.
func runChild(arguments: [String]) async throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
    process.arguments = arguments
    let status: Int32 = try await withCheckedThrowingContinuation { continuation in
        process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
        do { try process.run() } catch { continuation.resume(throwing: error) }
    }
    guard status == 0 else { throw BenchmarkError("the round \(arguments) exited with \(status)") }
}
