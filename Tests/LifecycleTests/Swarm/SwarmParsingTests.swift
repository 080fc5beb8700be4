import Foundation
import NIOCore
import Testing

@testable import Lifecycle

/// The Swarm layer's reading of engine answers, on canned bodies (no engine needed).
@Suite("Swarm answers, parsed")
struct SwarmParsingTests {
    /// A task's container carries its service's id as a label; a plain container does not.
    @Test func aTasksContainerEventNamesItsService() throws {
        let task = #"""
            {"status":"start","id":"c1","from":"img","Type":"container","Action":"start","Actor":{"ID":"c1",
            "Attributes":{"com.docker.swarm.service.id":"svc9","com.docker.swarm.task.id":"t1","name":"web.1.t1"}},
            "time":1700000000,"timeNano":1700000000123456789}
            """#
        let event = try #require(DockerEngineRuntime.parseEvent(Array(task.utf8)))
        #expect(event.swarmServiceID == "svc9" && event.action == .start && event.containerName == "web.1.t1")
        let plain = #"{"Type":"container","Action":"die","Actor":{"ID":"c2","Attributes":{"exitCode":"0"}},"time":1}"#
        #expect(try #require(DockerEngineRuntime.parseEvent(Array(plain.utf8))).swarmServiceID == nil)
    }

    @Test func aServiceKeepsItsWholeSpec() throws {
        let json = #"""
            {"ID":"abc","Version":{"Index":42},"Spec":{"Name":"web","Labels":{"dev.dormouse.enable":"true"},
            "TaskTemplate":{"ContainerSpec":{"Image":"img:1","Init":false,"Args":["a/b"]},"Unknown":{"X":[1,2.5,null]}},
            "Mode":{"Replicated":{"Replicas":3}},"EndpointSpec":{"Mode":"vip"}}}
            """#
        let service = try SwarmService(json: Data(json.utf8))
        #expect(service.id == "abc" && service.name == "web" && service.version == 42)
        #expect(service.mode == "Replicated" && service.replicas == 3 && service.image == "img:1")
        #expect(service.labels == [ContainerLabels.enable: "true"])
        let scaled = String(decoding: try service.spec(withReplicas: 0), as: UTF8.self)
        #expect(
            scaled == #"{"EndpointSpec":{"Mode":"vip"},"Labels":{"dev.dormouse.enable":"true"},"Mode":{"Replicated":"#
                + #"{"Replicas":0}},"Name":"web","TaskTemplate":{"ContainerSpec":{"Args":["a/b"],"Image":"img:1","#
                + #""Init":false},"Unknown":{"X":[1,2.5,null]}}}"#)
    }

    @Test func aGlobalServiceHasNoReplicaCountAndCannotBeScaled() throws {
        let json = #"{"ID":"g","Version":{"Index":1},"Spec":{"Name":"agent","Mode":{"Global":{}}}}"#
        let service = try SwarmService(json: Data(json.utf8))
        #expect(service.mode == "Global" && service.replicas == nil)
        let error = #expect(throws: ContainerRuntimeError.self) { try service.spec(withReplicas: 1) }
        #expect(error?.isNotManaged == true && error?.message.contains("global mode") == true)
    }

    @Test func aServiceWithoutItsIDIsAnInvalidAnswer() {
        let error = #expect(throws: ContainerRuntimeError.self) { try SwarmService(json: Data(#"{"Spec":{}}"#.utf8)) }
        #expect(error?.message.contains("could not read") == true)
    }

    @Test func scaleEventsCarryTheReplicaCounts() {
        let line = #"""
            {"Type":"service","Action":"update","Actor":{"ID":"s1","Attributes":{"name":"web","replicas.new":"1",
            "replicas.old":"0"}},"scope":"swarm","time":1796227932,"timeNano":1796227932912497526}
            """#.replacingOccurrences(of: "\n", with: "")
        let event = SwarmServices.parseServiceEvent(Array(line.utf8))
        #expect(
            event
                == SwarmServiceEvent(
                    serviceID: "s1", serviceName: "web", action: .update(oldReplicas: 0, newReplicas: 1),
                    time: 1_796_227_932_912_497_526))
        let other = #"{"Type":"service","Action":"remove","Actor":{"ID":"s1","Attributes":{"name":"web"}},"time":5}"#
        #expect(SwarmServices.parseServiceEvent(Array(other.utf8))?.action == .remove)
        #expect(SwarmServices.parseServiceEvent(Array(other.utf8))?.time == 5_000_000_000)
        let container = #"{"Type":"container","Action":"start","Actor":{"ID":"c1"},"time":5}"#
        #expect(SwarmServices.parseServiceEvent(Array(container.utf8)) == nil)
    }

    @Test(arguments: [
        ("2026-12-02T16:10:50.670548475Z", Int64(1_796_227_850_670_548_475)),
        ("2026-12-02T16:10:50.5Z", 1_796_227_850_500_000_000),
        ("2026-12-02T16:10:50Z", 1_796_227_850_000_000_000),
        ("1970-01-01T00:00:00.000000001Z", 1),
    ])
    func engineTimesAreNanoseconds(text: String, nanoseconds: Int64) {
        #expect(EngineTime.nanoseconds(text) == nanoseconds)
    }

    @Test(arguments: ["", "yesterday", "2026-12-02T16:10:50.5", "2026-12-02T16:10:50.x5Z"])
    func unreadableTimesAreNil(text: String) {
        #expect(EngineTime.nanoseconds(text) == nil)
    }

    @Test func aWorkerOrAnEngineOutsideASwarmIsNotAManager() {
        #expect(SwarmNodeInfo(localNodeState: "active", controlAvailable: true).refusal == nil)
        #expect(
            SwarmNodeInfo(localNodeState: "active", controlAvailable: false).refusal
                == "this engine is a swarm worker; service calls need a manager")
        #expect(
            SwarmNodeInfo(localNodeState: "inactive", controlAvailable: false).refusal?.contains("inactive") == true)
    }

    @Test func aNonManagersRefusalSaysSo() {
        let worker = ByteBuffer(
            string: #"{"message":"This node is not a swarm manager. Worker nodes can't be used to view or modify"#
                + #" cluster state. Please run this command on a manager node or promote the current node to a"#
                + #" manager."}"#)
        let error = SwarmServices.error(status: 503, body: worker)
        #expect(error.message.hasPrefix("this engine is a swarm worker; service calls need a manager"))
        #expect(error.status == 503)
        let outside = ByteBuffer(
            string: #"{"message":"This node is not a swarm manager. Use \"docker swarm init\" or \"docker swarm join\""#
                + #" to connect this node to swarm and try again."}"#)
        #expect(SwarmServices.error(status: 503, body: outside).message.hasPrefix("this engine is not part of a swarm"))
        let missing = ByteBuffer(string: #"{"message":"service x not found"}"#)
        #expect(SwarmServices.error(status: 404, body: missing).isNotFound)
    }

    @Test func outOfSequenceIsRecognised() {
        let body = ByteBuffer(string: #"{"message":"rpc error: code = Unknown desc = update out of sequence"}"#)
        #expect(SwarmServices.isOutOfSequence(SwarmServices.error(status: 500, body: body)))
        #expect(!SwarmServices.isOutOfSequence(.engine(status: 500, message: "something else")))
    }

    @Test func theFingerprintFollowsWhatTheServiceRuns() {
        let spec = SwarmServiceSpec(name: "a", agent: "w", image: "img", command: ["sleep", "1"])
        var renamed = spec
        renamed.name = "b"
        renamed.labels = ["x": "y"]
        #expect(renamed.fingerprint == spec.fingerprint)
        var restarting = spec
        restarting.restartsOnFailure = true
        #expect(restarting.fingerprint != spec.fingerprint)
        #expect(SwarmServiceLabels.forService(spec)[ContainerLabels.agent] == "w")
    }
}
