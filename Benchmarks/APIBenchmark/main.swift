import AsyncHTTPClient
import Foundation
import Lifecycle
import Logging
import NIOCore
import NIOHTTP1

// API benchmark (`make bench`): runs the release `dormouse serve` binary on loopback against the real engine
// and measures its idle RSS, `GET /agents` with 1,000 agents, and the dispatch round trip to a running exec
// worker, split into Dormouse's own time and the engine's exec time (measured side by side, interleaved); and
// `GET /timeline` over 500 agents with a week of history (TimelineHistory).

let arguments = CommandLine.arguments
let binary = arguments.count > 1 ? arguments[1] : ".build/release/dormouse"
let image = ProcessInfo.processInfo.environment["DORMOUSE_TEST_IMAGE"] ?? "dormouse-test/busybox:latest"
let port = Int.random(in: 20_000...40_000)
let base = "http://127.0.0.1:\(port)"
let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dormouse-apibench-\(UUID().uuidString)")
let worker = "dormouse-bench-api-\(UInt32.random(in: 0...UInt32.max))"
var logger = Logger(label: "bench")
logger.logLevel = .critical
let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
let docker = DockerEngineRuntime(client: DockerEngineRuntime.makeHTTPClient(), logger: logger)

let server = try Server.launch(binary: binary, port: port, database: folder.appendingPathComponent("d.sqlite").path)
defer {
    server.stop()
    try? FileManager.default.removeItem(at: folder)
}
try await Server.waitUntilHealthy(base: base, client: client)
print(
    "idle RSS after boot: \(Server.residentMiB(pid: server.pid)) MiB, PSS \(Server.proportionalMiB(pid: server.pid)) MiB "
        + "(target ≤ 40 MB)")

// Lazy agents on containers that do not exist: an operator start fails, which gives each agent counters
// and a last event to show, as a fleet that has been running would have.
for index in 0..<1_000 {
    _ = try await call(
        .POST, "/agents",
        #"{"name":"lazy-\#(index)","mode":"container","container":{"name":"absent-\#(index)"},"dispatch":{"type":"exec","argv":["true"]}}"#,
        expect: 201)
    _ = try await call(.POST, "/agents/lazy-\(index)/start", expect: 409)
}
var listTimes: [Duration] = []
for _ in 0..<200 {
    listTimes.append(try await ContinuousClock().measure { _ = try await call(.GET, "/agents", expect: 200) })
}
print("GET /agents with 1,000 agents: \(percentiles(listTimes)) (target p50 ≤ 5 ms)")

_ = try await call(
    .POST, "/agents",
    #"""
    {"name":"exec","mode":"container","container":{"name":"\#(worker)","image":"\#(image)","command":["sleep","3600"]},
     "dispatch":{"type":"exec","argv":["sh","-c","echo \"$DORMOUSE_PAYLOAD\""]}}
    """#, expect: 201)
_ = try await call(.POST, "/agents/exec/tasks?wait=true", #"{"payload":"warm"}"#, expect: 200)
// Pairs alternate which goes first (ABBA), so neither side always follows the other's engine work.
var roundTrips: [Duration] = []
var execs: [Duration] = []
for index in 0..<200 {
    let dispatch = {
        try await ContinuousClock().measure {
            _ = try await call(.POST, "/agents/exec/tasks?wait=true", #"{"payload":"\#(index)"}"#, expect: 200)
        }
    }
    let direct = {
        try await ContinuousClock().measure {
            _ = try await docker.exec(
                worker,
                ExecRequest(
                    argv: ["sh", "-c", "echo \"$DORMOUSE_PAYLOAD\""], environment: ["DORMOUSE_PAYLOAD": "\(index)"]))
        }
    }
    if index % 4 == 0 || index % 4 == 3 {
        roundTrips.append(try await dispatch())
        execs.append(try await direct())
    } else {
        execs.append(try await direct())
        roundTrips.append(try await dispatch())
    }
}
let own = zip(roundTrips, execs).map { $0 - $1 }
print("dispatch round trip over REST (wait=true, warm exec worker): \(percentiles(roundTrips))")
print("  the same exec straight to the engine, interleaved:         \(percentiles(execs))")
print("  Dormouse's own time (round trip − engine exec, paired):    \(percentiles(own))")
let overhead = OverheadReading(metrics: String(buffer: try await call(.GET, "/metrics", expect: 200)))
print("  its own time inside the server (/metrics, no HTTP):        \(overhead.summary)")
print("RSS after the load: \(Server.residentMiB(pid: server.pid)) MiB")

// Event fan-out: each operator start of an agent whose container does not exist writes a lazy_start_failed
// event, broadcast to every subscriber.
_ = try await call(
    .POST, "/agents",
    #"{"name":"fanout","mode":"container","container":{"name":"absent-fanout"},"dispatch":{"type":"exec","argv":["true"]}}"#,
    expect: 201)
try await EventFanOut(base: base, subscribers: 1_000, events: 20).run(serverPID: server.pid) {
    _ = try await call(.POST, "/agents/fanout/start", expect: 409)
}
try await docker.remove(worker)
try await TimelineHistory(binary: binary, client: client).run()
try await client.shutdown()

func call(_ method: HTTPMethod, _ path: String, _ body: String? = nil, expect status: Int) async throws -> ByteBuffer {
    var request = HTTPClientRequest(url: base + path)
    request.method = method
    if let body {
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body))
    }
    let response = try await client.execute(request, timeout: .seconds(120))
    let answer = try await response.body.collect(upTo: 64 << 20)
    guard response.status.code == status else {
        throw BenchmarkError("\(method) \(path): HTTP \(response.status.code): \(String(buffer: answer))")
    }
    return answer
}

func percentiles(_ samples: [Duration]) -> String {
    let sorted = samples.sorted()
    func at(_ fraction: Double) -> String {
        String(format: "%.2f", sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))].milliseconds)
    }
    return "p50 \(at(0.5)) ms, p95 \(at(0.95)) ms, p99 \(at(0.99)) ms (n=\(samples.count))"
}

struct BenchmarkError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
