import Foundation
import TestSupport
import Testing

@Suite(
    "The namespace cluster (scripts/cluster.sh)",
    .enabled(if: ClusterFixture.enabled, "no cluster: run scripts/cluster.sh up"), .tags(.docker, .process),
    .outsideUnitLane, .timeLimit(.minutes(3)))
struct ClusterTests {
    @Test(arguments: ClusterFixture.Node.allCases)
    func engineAnswersOverTLSWithTheClientCertificateOnly(_ node: ClusterFixture.Node) async throws {
        let cluster = try ClusterFixture.load()
        let version = try await cluster.dockerOverTLS(node).run(["version", "--format", "{{.Server.Version}}"])
        #expect(!version.text.isEmpty)

        let refused = try await cluster.dockerOverTLS(node, clientCertificate: false)
            .run(["version", "--format", "{{.Server.Version}}"], check: false)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("bad certificate"), "\(refused.stderr)")
    }

    @Test func managerListsBothSwarmNodesReady() async throws {
        let cluster = try ClusterFixture.load()
        let nodes = try await cluster.docker(.manager).run(["node", "ls", "--format", "{{.ID}} {{.Status}}"]).lines
        let expected = [
            "\(try cluster.value("CLUSTER_MANAGER_NODE_ID")) Ready",
            "\(try cluster.value("CLUSTER_WORKER_NODE_ID")) Ready",
        ]
        #expect(nodes.sorted() == expected.sorted())
        let worker = try await cluster.docker(.worker).run(["info", "--format", "{{.Swarm.ControlAvailable}}"])
        #expect(worker.text == "false")
        let engine = try await cluster.docker(.engine).run(["info", "--format", "{{.Swarm.LocalNodeState}}"])
        #expect(engine.text == "inactive")
    }

    @Test func serviceConstrainedToTheWorkerRunsOnItAndScalesBackToZero() async throws {
        let cluster = try ClusterFixture.load()
        let manager = try cluster.docker(.manager)
        let worker = try cluster.docker(.worker)
        let workerID = try cluster.value("CLUSTER_WORKER_NODE_ID")
        let name = "dormouse-test-pinned-\(UInt32.random(in: 0...UInt32.max))"
        try await manager.run([
            "service", "create", "--detach", "--name", name, "--replicas", "0", "--init",
            "--constraint", "node.id==\(workerID)", "--label", "dev.dormouse.enable=true", cluster.testImage,
            "sleep", "3600",
        ])
        do {
            try await manager.run(["service", "scale", "--detach", "\(name)=1"])
            try await poll("a running task of \(name)") {
                try await Self.runningTaskNodes(name, manager) == [workerID]
            }
            let containers = ["ps", "--quiet", "--filter", "label=com.docker.swarm.service.name=\(name)"]
            #expect(try await worker.run(containers).lines.count == 1)
            #expect(try await manager.run(containers).lines.isEmpty)

            try await manager.run(["service", "scale", "--detach", "\(name)=0"])
            try await poll("\(name)'s container gone from the worker") {
                try await worker.run(containers).lines.isEmpty
            }
            #expect(try await Self.runningTaskNodes(name, manager).isEmpty)
        } catch {
            _ = try? await manager.run(["service", "rm", name])
            throw error
        }
        try await manager.run(["service", "rm", name])
    }

    @Test func plainEngineRunsAContainerOverTLS() async throws {
        let cluster = try ClusterFixture.load()
        let engine = try cluster.dockerOverTLS(.engine)
        let output = try await engine.run(["run", "--rm", cluster.testImage, "echo", "hello from n3"])
        #expect(output.text == "hello from n3")
    }

    /// The nodes of the service's tasks that are running and meant to be.
    static func runningTaskNodes(_ service: String, _ manager: DockerCLI) async throws -> [String] {
        let tasks = try await manager.run(["service", "ps", "--quiet", "--filter", "desired-state=running", service])
        guard !tasks.lines.isEmpty else { return [] }
        let states = try await manager.run(["inspect", "--format", "{{.NodeID}} {{.Status.State}}"] + tasks.lines)
        return states.lines.filter { $0.hasSuffix(" running") }.map { String($0.prefix { $0 != " " }) }
    }
}
