import Lifecycle
import Synchronization
import TestSupport
import Testing

@Suite(
    "SwarmServices.scale against other writers", .enabled(SwarmFixture.skipReason) { await SwarmFixture.enabled() },
    .serialized, .tags(.docker), .outsideUnitLane, .timeLimit(.minutes(2)))
struct SwarmScaleRaceTests {
    @Test func anUpdateOutOfSequenceIsRetriedOnAFreshRead() async throws {
        try await SwarmFixture.withServices { services in
            let name = SwarmFixture.uniqueName("race")
            _ = try await services.create(
                rawSpec: SwarmFixture.operatorSpec(name: name, replicas: 0, rich: true, placed: false))
            try await SwarmFixture.removing([name], on: services) {
                let reads = Mutex<[SwarmService]>([])
                // Between the first read and its update another writer scales the service, so the first update
                // names a stale version.
                try await services.scale(name, to: 1) { read in
                    let first = reads.withLock {
                        $0.append(read)
                        return $0.count == 1
                    }
                    if first { try await services.scale(name, to: 2) }
                }
                let seen = reads.withLock { $0 }
                #expect(seen.count == 2)
                #expect(seen.map(\.replicas) == [0, 2])
                #expect(seen[1].version > seen[0].version)
                let after = try await services.inspect(name)
                #expect(after.replicas == 1)
                try await services.scale(name, to: 0)
            }
        }
    }

    @Test func retriesAreBounded() async throws {
        try await SwarmFixture.withServices { services in
            let name = SwarmFixture.uniqueName("race-bounded")
            _ = try await services.create(rawSpec: SwarmFixture.operatorSpec(name: name, replicas: 0, placed: false))
            try await SwarmFixture.removing([name], on: services) {
                let reads = Mutex(0)
                let bounded = SwarmServices(engine: services.engine, updateAttempts: 3)
                let error = await #expect(throws: ContainerRuntimeError.self) {
                    // Every update loses: another writer changes the count after each read.
                    try await bounded.scale(name, to: 1) { read in
                        reads.withLock { $0 += 1 }
                        try await services.scale(name, to: (read.replicas ?? 0) + 2)
                    }
                }
                #expect(error?.message.contains("update out of sequence") == true)
                #expect(reads.withLock { $0 } == 3)
                #expect(try await services.inspect(name).replicas == 6)
                try await services.scale(name, to: 0)
            }
        }
    }

    @Test func concurrentScalesAllLand() async throws {
        try await SwarmFixture.withServices { services in
            let name = SwarmFixture.uniqueName("race-concurrent")
            _ = try await services.create(rawSpec: SwarmFixture.operatorSpec(name: name, replicas: 0, placed: false))
            try await SwarmFixture.removing([name], on: services) {
                let before = try await services.inspect(name)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for count in 1...4 { group.addTask { try await services.scale(name, to: count) } }
                    try await group.waitForAll()
                }
                let after = try await services.inspect(name)
                #expect((1...4).contains(after.replicas ?? 0))
                #expect(after.version > before.version)
                try await services.scale(name, to: 0)
            }
        }
    }
}
