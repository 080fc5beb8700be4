import Foundation
import Lifecycle
import TestSupport
import Testing

@Suite(
    "SwarmServices against the real single-node swarm",
    .enabled(SwarmFixture.skipReason) { await SwarmFixture.enabled() },
    .serialized, .tags(.docker), .outsideUnitLane, .timeLimit(.minutes(2)))
struct SwarmServicesTests {
    @Test func inspectReadsTheService() async throws {
        try await SwarmFixture.withServices { services in
            let name = SwarmFixture.uniqueName("inspect")
            let id = try await services.create(rawSpec: SwarmFixture.operatorSpec(name: name, replicas: 0))
            try await SwarmFixture.removing([name], on: services) {
                let service = try await services.inspect(name)
                #expect(service.id == id && service.name == name)
                #expect(service.mode == "Replicated" && service.replicas == 0)
                #expect(service.labels == [ContainerLabels.enable: "true", "owner": "ops"])
                #expect(service.image == DockerFixture.image)
                #expect(service.version > 0)
                #expect(try await services.inspect(id) == service)
            }
        }
    }

    @Test func aMissingServiceIsNotFound() async throws {
        try await SwarmFixture.withServices { services in
            let missing = SwarmFixture.uniqueName("missing")
            let error = await #expect(throws: ContainerRuntimeError.self) { try await services.inspect(missing) }
            #expect(error?.isNotFound == true)
            #expect(error?.message.contains(missing) == true)
            let scaleError = await #expect(throws: ContainerRuntimeError.self) {
                try await services.scale(missing, to: 1)
            }
            #expect(scaleError?.isNotFound == true)
            try await services.remove(missing)  // already gone is done
        }
    }

    @Test func aPrefixOfAnotherServicesIDIsNotFound() async throws {
        try await SwarmFixture.withServices { services in
            let name = SwarmFixture.uniqueName("prefix")
            let id = try await services.create(rawSpec: SwarmFixture.operatorSpec(name: name, replicas: 0))
            try await SwarmFixture.removing([name], on: services) {
                let prefix = String(id.prefix(6))
                let error = await #expect(throws: ContainerRuntimeError.self) { try await services.inspect(prefix) }
                #expect(error?.isNotFound == true)
                #expect(error?.message.contains("prefix") == true)
                let found = try await services.inspect(id)
                #expect(found.name == name)
            }
        }
    }

    @Test func scaleUpReachesARunningTaskAndScaleDownLeavesNone() async throws {
        try await SwarmFixture.withServices { services in
            let name = SwarmFixture.uniqueName("scale")
            _ = try await services.create(rawSpec: SwarmFixture.operatorSpec(name: name, replicas: 0))
            try await SwarmFixture.removing([name], on: services) {
                #expect(try await services.runningTask(of: name) == nil)
                try await services.scale(name, to: 1)
                #expect(try await services.inspect(name).replicas == 1)
                let task = try await services.waitForRunningTask(
                    of: name, every: .milliseconds(50), timeout: .seconds(30), clock: ContinuousClock())
                #expect(task.state == .running && task.desiredState == .running && task.slot == 1)
                #expect(task.containerID != nil && task.nodeID != nil && task.error == nil)
                #expect(task.createdAt != nil && task.stateChangedAt ?? 0 >= task.createdAt ?? 0)
                #expect(try await services.runningTask(of: name) == task)

                try await services.scale(name, to: 0)
                let after = try await services.waitForNoRunningTask(
                    of: name, every: .milliseconds(50), timeout: .seconds(30), clock: ContinuousClock())
                #expect(after.allSatisfy { $0.desiredState != .running })
                #expect(try await services.runningTask(of: name) == nil)
                #expect(try await services.inspect(name).replicas == 0)
            }
        }
    }

    @Test func scaleChangesOnlyTheReplicaCount() async throws {
        try await SwarmFixture.withServices { services in
            let name = SwarmFixture.uniqueName("roundtrip")
            _ = try await services.create(
                rawSpec: SwarmFixture.operatorSpec(name: name, replicas: 0, rich: true, placed: false))
            try await SwarmFixture.removing([name], on: services) {
                let before = try await services.inspect(name)
                try await services.scale(name, to: 1)
                let after = try await services.inspect(name)
                #expect(after.version > before.version)
                // The expectation is built here, not with the code under test: the spec as read, one value changed.
                var expected = try tree(before.spec)
                var mode = expected["Mode"] as! [String: Any]
                mode["Replicated"] = ["Replicas": 1]
                expected["Mode"] = mode
                #expect(NSDictionary(dictionary: try tree(after.spec)).isEqual(to: expected))
                // And what the operator wrote is all still there.
                let raw = String(decoding: after.spec, as: UTF8.self)
                for field in [
                    "node.role==manager", "B=two words", "\"MaxFailureRatio\":0.25", "\"NanoCPUs\":500000000",
                    "\"StartPeriod\":100000000", "\"Order\":\"stop-first\"", "\"Mode\":\"dnsrr\"",
                    "\"tier\":\"worker\"",
                ] {
                    #expect(raw.contains(field), "\(field) lost")
                }
                try await services.scale(name, to: 1)  // already there: nothing is sent
                #expect(try await services.inspect(name).version == after.version)
                try await services.scale(name, to: 0)
            }
        }
    }

    @Test func aGlobalServiceIsRefused() async throws {
        try await SwarmFixture.withServices { services in
            let name = SwarmFixture.uniqueName("global")
            _ = try await services.create(rawSpec: SwarmFixture.operatorSpec(name: name, replicas: nil, placed: false))
            try await SwarmFixture.removing([name], on: services) {
                let service = try await services.inspect(name)
                #expect(service.mode == "Global" && service.replicas == nil)
                let error = await #expect(throws: ContainerRuntimeError.self) { try await services.scale(name, to: 0) }
                #expect(error?.isNotManaged == true)
                #expect(error?.message.contains("global mode") == true)
                #expect(try await services.inspect(name).version == service.version)
                let refusal = SwarmServiceTarget.existing(service: name).refusal(of: service, for: "worker")
                #expect(refusal?.contains("global mode") == true)
            }
        }
    }

    @Test func anUnlabelledServiceIsRefusedByTheCheck() async throws {
        try await SwarmFixture.withServices { services in
            let name = SwarmFixture.uniqueName("unlabelled")
            _ = try await services.create(rawSpec: SwarmFixture.operatorSpec(name: name, optedIn: false))
            try await SwarmFixture.removing([name], on: services) {
                let service = try await services.inspect(name)
                let target = SwarmServiceTarget.existing(service: name)
                let refusal = target.refusal(of: service, for: "worker")
                #expect(refusal?.contains("has not opted in") == true)
                #expect(refusal?.contains("dev.dormouse.enable=true") == true)
                var optedIn = service
                optedIn.labels[ContainerLabels.enable] = "true"
                #expect(target.refusal(of: optedIn, for: "worker") == nil)
                // Nor may an agent take a service Dormouse created for another agent, or an operator's.
                let spec = SwarmServiceSpec(name: name, agent: "worker", image: DockerFixture.image)
                #expect(SwarmServiceTarget.managed(spec).refusal(of: optedIn, for: "worker") != nil)
            }
        }
    }

    @Test func createdServicesCarryDormouseLabelsAndAreRemoved() async throws {
        try await SwarmFixture.withServices { services in
            let name = SwarmFixture.uniqueName("created")
            let spec = SwarmServiceSpec(
                name: name, agent: "worker", image: DockerFixture.image, command: SwarmFixture.command,
                environment: ["A": "1"], labels: ["extra": "yes", ContainerLabels.managed: "false"])
            let id = try await services.create(spec)
            try await SwarmFixture.removing([name], on: services) {
                let service = try await services.inspect(name)
                #expect(service.id == id && service.replicas == 0)
                #expect(SwarmServiceLabels.belongs(service.labels, to: "worker"))
                #expect(SwarmServiceLabels.isCurrent(service.labels, for: spec))
                #expect(!SwarmServiceLabels.belongs(service.labels, to: "other"))
                #expect(service.labels["extra"] == "yes")
                #expect(SwarmServiceTarget.managed(spec).refusal(of: service, for: "worker") == nil)
                #expect(SwarmServiceTarget.managed(spec).refusal(of: service, for: "other") != nil)
                let template = try tree(service.spec)["TaskTemplate"] as! [String: Any]
                let container = template["ContainerSpec"] as! [String: Any]
                #expect(container["Labels"] as? [String: String] == service.labels)
                #expect(container["Args"] as? [String] == SwarmFixture.command)
                #expect(container["Env"] as? [String] == ["A=1"])
                #expect((template["RestartPolicy"] as? [String: Any])?["Condition"] as? String == "none")
                let conflict = await #expect(throws: ContainerRuntimeError.self) { try await services.create(spec) }
                #expect(conflict?.isConflict == true)
            }
            let gone = await #expect(throws: ContainerRuntimeError.self) { try await services.inspect(id) }
            #expect(gone?.isNotFound == true)
        }
    }

    @Test func theEngineIsAManager() async throws {
        try await SwarmFixture.withServices { services in
            let manager = try await services.isManager()
            #expect(manager)
        }
    }
}

/// A JSON object as a tree of Foundation values.
func tree(_ json: Data) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
}
