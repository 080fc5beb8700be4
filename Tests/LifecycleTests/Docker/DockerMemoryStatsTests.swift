import Foundation
import Testing

@testable import Lifecycle

/// The memory figure from a `stats` answer, as the `docker stats` CLI computes it, on answers shaped like each
/// engine's (no engine needed).
@Suite("Docker memory stats")
struct DockerMemoryStatsTests {
    static func usage(_ json: String) throws -> UInt64? {
        let stats = try JSONDecoder().decode(DockerEngineModels.Stats.self, from: Data(json.utf8))
        return stats.memoryStats.flatMap(DockerEngineRuntime.memoryUsage(of:))
    }

    @Test(arguments: [
        // dockerd 20.10 on cgroup v1 with 32 MiB in /dev/shm (measured): shmem is `cache` but not inactive_file.
        (
            #"{"memory_stats":{"usage":34168832,"stats":{"total_inactive_file":0,"inactive_file":0,"cache":33554432}}}"#,
            UInt64?.some(34_168_832)
        ),
        // cgroup v1: the hierarchical total is what the CLI subtracts, not the cgroup's own counter.
        (#"{"memory_stats":{"usage":9000,"stats":{"total_inactive_file":3000,"inactive_file":1000}}}"#, 6000),
        // cgroup v2 has no total_ counters.
        (#"{"memory_stats":{"usage":10000000,"stats":{"inactive_file":2000000,"anon":7000000}}}"#, 8_000_000),
        // An engine that reports neither: the page cache, as the CLI did up to Docker 19.03.
        (#"{"memory_stats":{"usage":5000,"stats":{"cache":1500}}}"#, 3500),
        // A cache figure not below the usage is not subtracted: never below 0, never hiding the worker.
        (#"{"memory_stats":{"usage":4096,"stats":{"inactive_file":4096}}}"#, 4096),
        (#"{"memory_stats":{"usage":4096}}"#, 4096),
        // A created or stopped container (measured on dockerd 20.10): no figure at all.
        (#"{"read":"0001-01-01T00:00:00Z","memory_stats":{},"name":"/x"}"#, nil),
        (#"{"name":"/x"}"#, nil),
    ])
    func theUsageLessTheInactivePageCache(json: String, expected: UInt64?) throws {
        #expect(try Self.usage(json) == expected)
    }
}
