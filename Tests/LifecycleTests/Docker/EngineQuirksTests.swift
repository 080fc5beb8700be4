import Foundation
import Testing

@testable import Lifecycle

/// Podman's departures from dockerd, on answers captured from Podman 4.3.1 and dockerd 20.10 (no engine needed).
@Suite("Engine quirks, on captured answers")
struct EngineQuirksTests {
    static let podman = EngineQuirks(kind: .podman, rootless: false, cgroupVersion: "1")

    /// Podman 4.3.1's events, as its `/events` stream sent them (attributes shortened).
    enum PodmanEvent {
        static let remove = #"""
            {"status":"remove","id":"2f27","from":"localhost/dormouse-test/busybox:latest","Type":"container",
            "Action":"remove","Actor":{"ID":"2f27","Attributes":{"image":"localhost/dormouse-test/busybox:latest",
            "name":"pmx2","podId":""}},"scope":"local","time":1796307097,"timeNano":1796307097900000000}
            """#
        static func health(_ status: String) -> String {
            #"""
            {"status":"health_status","id":"2f27","Type":"container","Action":"health_status","Actor":{"ID":"2f27",
            "Attributes":{"containerExitCode":"0","name":"pmx2","podId":""}},"scope":"local","time":1796307091,
            "timeNano":1796307091037724517,"HealthStatus":"\#(status)"}
            """#
        }
        static let die = #"""
            {"status":"die","id":"2f27","Type":"container","Action":"die","Actor":{"ID":"2f27","Attributes":{
            "containerExitCode":"137","exitCode":"137","name":"pmx2","podId":""}},"time":1796307097,
            "timeNano":1796307097870366481}
            """#
    }

    static func parse(_ line: String, _ quirks: EngineQuirks) throws -> ContainerEvent.Action {
        try #require(DockerEngineRuntime.parseEvent(Array(line.utf8), quirks: quirks)).action
    }

    @Test func podmansRemoveIsTheDestroyTheLifecycleReactsTo() throws {
        #expect(try Self.parse(PodmanEvent.remove, Self.podman) == .destroy)
        #expect(try Self.parse(PodmanEvent.remove, .docker) == .other("remove"))
    }

    @Test func podmansHealthStatusIsReadFromItsOwnField() throws {
        #expect(try Self.parse(PodmanEvent.health("healthy"), Self.podman) == .healthy)
        #expect(try Self.parse(PodmanEvent.health("unhealthy"), Self.podman) == .unhealthy)
        // Its first probe's event says starting even when the probe passed: not a verdict.
        #expect(try Self.parse(PodmanEvent.health("starting"), Self.podman) == .other("health_status"))
        #expect(try Self.parse(PodmanEvent.health("healthy"), .docker) == .other("health_status"))
    }

    @Test func podmansDieKeepsItsExitCode() throws {
        #expect(try Self.parse(PodmanEvent.die, Self.podman) == .die(exitCode: 137))
    }

    @Test func dockersEventsAreReadAsBefore() throws {
        let health = #"{"Type":"container","Action":"health_status: healthy","Actor":{"ID":"c1"},"time":1}"#
        let attribute = #"""
            {"Type":"container","Action":"health_status","Actor":{"ID":"c1","Attributes":{"health_status":"unhealthy"}},
            "time":1}
            """#
        let destroy = #"{"Type":"container","Action":"destroy","Actor":{"ID":"c1"},"time":1}"#
        #expect(try Self.parse(health, .docker) == .healthy)
        #expect(try Self.parse(attribute, .docker) == .unhealthy)
        #expect(try Self.parse(destroy, .docker) == .destroy)
    }

    /// A Podman filter on `die` or `destroy` matched nothing; on `died` and `remove` it passed `die` and `remove`.
    @Test func podmansEventFilterUsesItsOwnNames() {
        let actions = DockerEngineRuntime.lifecycleActions
        #expect(EngineQuirks.docker.eventFilter(actions) == actions)
        let podman = Self.podman.eventFilter(actions)
        #expect(podman.contains("died") && podman.contains("remove"))
        #expect(!podman.contains("die") && !podman.contains("destroy"))
        #expect(podman.contains("start") && podman.contains("health_status"))
    }

    @Test(arguments: [
        (rootless: false, cgroup: "1", canPause: true), (rootless: true, cgroup: "1", canPause: false),
        (rootless: true, cgroup: "2", canPause: true), (rootless: false, cgroup: "2", canPause: true),
    ])
    func onlyARootlessEngineOnCgroupV1CannotPause(row: (rootless: Bool, cgroup: String, canPause: Bool)) {
        #expect(EngineQuirks(kind: .podman, rootless: row.rootless, cgroupVersion: row.cgroup).canPause == row.canPause)
    }

    /// Podman 4.3.1 refused an exec in a created container with this 500; dockerd answers 409.
    @Test func podmansImproperStateIsAConflict() {
        let message = "can only create exec sessions on running containers: container state improper"
        let refused = ContainerRuntimeError.engine(status: 500, message: message)
        #expect(Self.podman.refusal(refused, status: 500).isConflict)
        #expect(!EngineQuirks.docker.refusal(refused, status: 500).isConflict)
        let other = ContainerRuntimeError.engine(status: 500, message: "something else")
        #expect(!Self.podman.refusal(other, status: 500).isConflict)
    }

    @Test func onlyPodmanHasItsHealthProbesRunOnDemand() {
        #expect(Self.podman.runsHealthchecksOnDemand)
        #expect(!EngineQuirks.docker.runsHealthchecksOnDemand)
    }

    /// The kind comes from the components `GET /version` lists (Podman's platform names the host's OS, not Podman).
    @Test func theKindIsReadFromTheVersionAnswer() throws {
        let podman = #"""
            {"Platform":{"Name":"linux/amd64/debian-12"},"Components":[{"Name":"Podman Engine","Version":"4.3.1"},
            {"Name":"Conmon","Version":"conmon version 2.1.6"}],"Version":"4.3.1","ApiVersion":"1.41"}
            """#
        let docker = #"""
            {"Platform":{"Name":""},"Components":[{"Name":"Engine"},{"Name":"containerd"},{"Name":"runc"},
            {"Name":"docker-init"}],"Version":"20.10.24+dfsg1","ApiVersion":"1.41"}
            """#
        let decode = { (json: String) in
            try JSONDecoder().decode(DockerEngineModels.Version.self, from: Data(json.utf8))
        }
        #expect(DockerEngineRuntime.kind(of: try decode(podman)) == .podman)
        #expect(DockerEngineRuntime.kind(of: try decode(docker)) == .docker)
    }

    /// Podman's refusal to stop a paused container (its message, as its service answered it) means thaw first;
    /// dockerd stops a paused container itself, and other refusals are not this one.
    @Test func onlyPodmansPausedRefusalThawsBeforeTheStop() {
        let refusal = ContainerRuntimeError.engine(
            status: 500,
            message: "container abc is running or paused, refusing to clean up: container state improper")
        let podman = EngineQuirks(kind: .podman, canPause: true)
        #expect(podman.stopNeedsUnpause(refusal))
        #expect(!EngineQuirks.docker.stopNeedsUnpause(refusal))
        #expect(!podman.stopNeedsUnpause(.notFound("no such container")))
    }
}
