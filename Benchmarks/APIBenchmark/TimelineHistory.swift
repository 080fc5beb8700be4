import AsyncHTTPClient
import Foundation
import GRDB
import NIOCore
import NIOHTTP1

/// `GET /timeline` over a fleet with a week of history: 500 lazy agents declared through the API, then 8 days of
/// audit rows written into the server's SQLite file while it is down (a start every 20-120 min, awake 5-15 min,
/// each stop with its memory), then the server started again on that file and the timeline read in the three
/// views the dashboard uses.
struct TimelineHistory {
    let binary: String
    let client: HTTPClient
    let agents = 500

    func run() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dormouse-timeline-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = folder.appendingPathComponent("d.sqlite").path
        let port = Int.random(in: 40_001...50_000)
        let base = "http://127.0.0.1:\(port)"
        var server = try Server.launch(binary: binary, port: port, database: database)
        try await Server.waitUntilHealthy(base: base, client: client)
        for index in 0..<agents {
            _ = try await request(
                base, "/agents", .POST,
                #"{"name":"w\#(index)","mode":"container","container":{"name":"absent-w\#(index)"},"dispatch":{"type":"exec","argv":["true"]}}"#
            )
        }
        server.stop()
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let rows = try writeHistory(database, now: now)
        server = try Server.launch(binary: binary, port: port, database: database)
        defer { server.stop() }
        try await Server.waitUntilHealthy(base: base, client: client)
        print("timeline of \(agents) agents with 8 days of history (\(rows) audit rows):")
        let views: [(String, String)] = [
            ("last hour, exact spans (the page's first view)", ""),
            ("24 h, 10 min steps", "?since=\(now - 86_400_000)&step_ms=600000"),
            ("7 d, 1 h steps", "?since=\(now - 7 * 86_400_000)&step_ms=3600000"),
            ("7 d, exact spans (not used by the page)", "?since=\(now - 7 * 86_400_000)"),
        ]
        for (label, query) in views {
            var times: [Duration] = []
            var bytes = 0
            for _ in 0..<(query.contains("step") || query.isEmpty ? 20 : 3) {
                times.append(
                    try await ContinuousClock().measure {
                        bytes = try await request(base, "/timeline" + query, .GET).readableBytes
                    })
            }
            print("  \(label): \(percentiles(times)), \(bytes / 1024) KiB")
        }
        print("  RSS after: \(Server.residentMiB(pid: server.pid)) MiB")
    }

    /// Writes the history the way the audit log does, with a fixed seed so every run reads the same rows.
    private func writeHistory(_ path: String, now: Int64) throws -> Int {
        let pool = try DatabasePool(path: path)
        defer { try? pool.close() }
        let start = now - 8 * 86_400_000
        var random = SplitMix(seed: 1)
        return try pool.write { db in
            try db.execute(sql: "UPDATE agents SET created_at = ?", arguments: [start])
            let insert = try db.makeStatement(
                sql: "INSERT INTO lifecycle_events (instance, type, ts, detail_json) VALUES (?, ?, ?, ?)")
            var count = 0
            for index in 0..<agents {
                var ts = start + Int64(random.next(upTo: 3_600_000))
                while true {
                    ts += Int64(20 + random.next(upTo: 100)) * 60_000
                    guard ts < now else { break }
                    let latency = 300 + Double(random.next(upTo: 600))
                    try insert.execute(arguments: [
                        "w\(index)", "lazy_start", ts, #"{"latency_ms":\#(latency),"trigger":"dispatch"}"#,
                    ])
                    ts += Int64(5 + random.next(upTo: 10)) * 60_000
                    guard ts < now else { break }
                    try insert.execute(arguments: [
                        "w\(index)", "lazy_stop", ts, #"{"idle_seconds":300,"trigger":"idle","memory_bytes":52428800}"#,
                    ])
                    count += 2
                }
            }
            return count
        }
    }

    private func request(_ base: String, _ path: String, _ method: HTTPMethod, _ body: String? = nil) async throws
        -> ByteBuffer
    {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await client.execute(request, timeout: .seconds(120))
        let body = try await response.body.collect(upTo: 128 << 20)
        guard (200..<300).contains(response.status.code) else {
            throw BenchmarkError("\(method) \(path): HTTP \(response.status.code): \(String(buffer: body))")
        }
        return body
    }
}

/// A small seeded generator (SplitMix64), so the history is the same on every run.
struct SplitMix {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next(upTo bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((mixed ^ (mixed >> 31)) % UInt64(bound))
    }
}
