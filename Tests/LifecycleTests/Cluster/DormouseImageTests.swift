import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TestSupport
import Testing

/// The Dormouse image `scripts/build-image.sh` builds from `deploy/Dockerfile`'s runtime stage and the binary
/// the host build made, run on the main engine.
@Suite(
    "The Dormouse image (deploy/Dockerfile)",
    .enabled(if: ClusterFixture.imageEnabled, "no Dormouse image: run scripts/cluster.sh up, scripts/build-image.sh"),
    .tags(.docker, .process), .outsideUnitLane, .timeLimit(.minutes(2)))
struct DormouseImageTests {
    static let engine = DockerCLI(host: "unix://\(DockerFixture.socketPath)")

    @Test func imageRunsDormouseVersion() async throws {
        let image = try ClusterFixture.load().requireDormouseImage()
        let output = try await Self.engine.run(["run", "--rm", image, "--version"])
        #expect(output.text.first?.isNumber == true, "\(output.text)")
    }

    /// `serve` as the image runs it: non-root, bound to 0.0.0.0, the socket's group added; its resource bundle
    /// found next to the binary (the dashboard and the OpenAPI document are read from it).
    @Test func serveAnswersHealthTheDashboardAndTheOpenAPIDocument() async throws {
        let image = try ClusterFixture.load().requireDormouseImage()
        let group = try FileManager.default.attributesOfItem(atPath: DockerFixture.socketPath)[.groupOwnerAccountID]
        let container = try await Self.engine.run([
            "run", "--detach", "--group-add", "\(try #require(group as? NSNumber).intValue)",
            "--volume", "\(DockerFixture.socketPath):/var/run/docker.sock", "--env", "DORMOUSE_API_TOKEN=image-test",
            "--label", "dormouse-test=image", image,
        ]).text
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let address = try await Self.engine.run([
                "inspect", "--format", "{{.NetworkSettings.IPAddress}}", container,
            ]).text
            let base = "http://\(address):7070"
            var health: (status: UInt, body: String) = (0, "")
            try await poll("GET \(base)/health answering 200", within: .seconds(30)) {
                health = (try? await Self.get("\(base)/health", client)) ?? (0, "")
                guard health.status != 200 else { return true }
                let running = try await Self.engine.run(["inspect", "--format", "{{.State.Running}}", container])
                guard running.text == "true" else { throw ContainerExited(container: container) }
                return false
            }
            #expect(health.body.contains("\"reachable\":true"), "\(health.body)")
            let dashboard = try await Self.get("\(base)/", client)
            #expect(dashboard.status == 200 && dashboard.body.contains("<html"))
            let openAPI = try await Self.get("\(base)/openapi.json", client, token: "image-test")
            #expect(openAPI.status == 200 && openAPI.body.contains("\"openapi\""))
        } catch {
            let logs = try? await Self.engine.run(["logs", container], check: false)
            Issue.record("container logs: \(logs?.stdout ?? "")\(logs?.stderr ?? "")")
            try? await client.shutdown()
            _ = try? await Self.engine.run(["rm", "--force", container])
            throw error
        }
        try await client.shutdown()
        try await Self.engine.run(["rm", "--force", container])
    }

    /// The server's container ended before it answered.
    struct ContainerExited: Error {
        let container: String
    }

    static func get(_ url: String, _ client: HTTPClient, token: String? = nil) async throws -> (
        status: UInt, body: String
    ) {
        var request = HTTPClientRequest(url: url)
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        let response = try await client.execute(request, timeout: .seconds(5))
        let body = try await response.body.collect(upTo: 4 << 20)
        return (response.status.code, String(buffer: body))
    }
}
