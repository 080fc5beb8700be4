import Lifecycle
import TestSupport
import Testing

@Suite(
    "SwarmServices.serviceEvents against the real swarm",
    .enabled(SwarmFixture.skipReason) { await SwarmFixture.enabled() },
    .serialized, .tags(.docker), .outsideUnitLane, .timeLimit(.minutes(1)))
struct SwarmServiceEventsTests {
    @Test func aScaleArrivesAsAnUpdateWithTheReplicaCounts() async throws {
        try await SwarmFixture.withServices { services in
            let name = SwarmFixture.uniqueName("events")
            let events = try await services.serviceEvents(since: nil)
            let id = try await services.create(
                rawSpec: SwarmFixture.operatorSpec(name: name, replicas: 0, placed: false))
            try await SwarmFixture.removing([name], on: services) {
                try await services.scale(name, to: 1)
                try await services.scale(name, to: 0)
                var seen: [SwarmServiceEvent.Action] = []
                for try await event in events where event.serviceID == id {
                    #expect(event.serviceName == name && event.time > 0)
                    seen.append(event.action)
                    if seen.count == 3 { break }
                }
                #expect(
                    seen == [.create, .update(oldReplicas: 0, newReplicas: 1), .update(oldReplicas: 1, newReplicas: 0)])
            }
        }
    }

    @Test func eventsAreReplayedFromATimestamp() async throws {
        try await SwarmFixture.withServices { services in
            let name = SwarmFixture.uniqueName("events-replay")
            let live = try await services.serviceEvents(since: nil)
            let id = try await services.create(
                rawSpec: SwarmFixture.operatorSpec(name: name, replicas: 0, placed: false))
            try await SwarmFixture.removing([name], on: services) {
                var created: SwarmServiceEvent?
                for try await event in live where event.serviceID == id {
                    created = event
                    break
                }
                let time = try #require(created?.time)
                try await services.scale(name, to: 1)
                // A resubscription from the create's time sees what came after it.
                var replayed: [SwarmServiceEvent.Action] = []
                for try await event in try await services.serviceEvents(since: time) where event.serviceID == id {
                    replayed.append(event.action)
                    if event.action == .update(oldReplicas: 0, newReplicas: 1) { break }
                }
                #expect(replayed.last == .update(oldReplicas: 0, newReplicas: 1))
                try await services.scale(name, to: 0)
            }
        }
    }
}
