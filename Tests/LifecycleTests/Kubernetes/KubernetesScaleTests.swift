import AsyncHTTPClient
import Foundation
import Logging
import TestSupport
import Testing

@testable import Lifecycle

@Suite("KubernetesAPI.scale against the fake API server", .timeLimit(.minutes(1)))
struct KubernetesScaleTests {
    @Test func aScaleReadsTheScaleThenWritesItBackWithItsResourceVersion() async throws {
        try await KubernetesHarness.with { harness in
            let before = try #require(harness.fake.deployment("worker", namespace: "agents")).resourceVersion
            try await harness.api.scale(harness.ref, to: 1)
            #expect(harness.scaleCalls == ["GET 200", "PUT 200"])
            let put = try #require(harness.fake.requests.last { $0.method == "PUT" })
            let body = try #require(try JSONSerialization.jsonObject(with: put.body) as? [String: Any])
            #expect((body["metadata"] as? [String: Any])?["resourceVersion"] as? String == "\(before)")
            #expect((body["spec"] as? [String: Any])?["replicas"] as? Int == 1)
            #expect(harness.fake.deployment("worker", namespace: "agents")?.specReplicas == 1)
        }
    }

    @Test func aScaleToTheCurrentCountWritesNothing() async throws {
        try await KubernetesHarness.with(replicas: 1) { harness in
            try await harness.api.scale(harness.ref, to: 1)
            #expect(harness.scaleCalls == ["GET 200"])
        }
    }

    @Test func aConflictIsReadAgainAndWrittenAgain() async throws {
        try await KubernetesHarness.with { harness in
            harness.fake.interfereWithScaleWrites(2)
            try await harness.api.scale(harness.ref, to: 1)
            #expect(harness.scaleCalls == ["GET 200", "PUT 409", "GET 200", "PUT 409", "GET 200", "PUT 200"])
            #expect(harness.fake.deployment("worker", namespace: "agents")?.specReplicas == 1)
        }
    }

    @Test func conflictsPastTheAttemptsAreAConflictError() async throws {
        try await KubernetesHarness.with(updateAttempts: 3) { harness in
            harness.fake.interfereWithScaleWrites(10)
            let error = await #expect(throws: ContainerRuntimeError.self) {
                try await harness.api.scale(harness.ref, to: 1)
            }
            #expect(error?.isConflict == true)
            #expect(harness.scaleCalls.filter { $0.hasPrefix("PUT") } == ["PUT 409", "PUT 409", "PUT 409"])
            #expect(harness.fake.deployment("worker", namespace: "agents")?.specReplicas == 0)
        }
    }

    @Test func aWrongTokenIsAClearError() async throws {
        try await KubernetesHarness.with(token: "not-the-token") { harness in
            let error = await #expect(throws: ContainerRuntimeError.self) {
                _ = try await harness.resolve()
            }
            #expect(error?.status == 401)
            #expect(error?.message.contains("refused Dormouse's token (401 Unauthorized)") == true)
            #expect(harness.fake.requests.first?.authorization == "Bearer not-the-token")
        }
    }

    @Test func aDeploymentThatDidNotOptInIsNotManaged() async throws {
        try await KubernetesHarness.with(labels: ["app": "worker"]) { harness in
            let error = await #expect(throws: ContainerRuntimeError.self) { _ = try await harness.resolve() }
            #expect(error?.isNotManaged == true)
            #expect(error?.message.contains("dev.dormouse.enable=true") == true)
        }
    }

    @Test func anUnreachableServerIsEngineUnavailable() async throws {
        let fake = KubernetesFake()
        try await fake.start()
        let server = fake.baseURL
        await fake.stop()
        let connection = KubernetesConnection(server: server, token: "token")
        let client = try connection.makeHTTPClient()
        let api = KubernetesAPI(connection: connection, client: client, logger: .init(label: "test"))
        let backend = KubernetesWorkerBackend(
            target: .init(namespace: "agents", deployment: "worker"),
            monitor: KubernetesDeploymentMonitor(api: api, logger: api.logger), logger: api.logger)
        let resolveError = await #expect(throws: ContainerRuntimeError.self) {
            _ = try await backend.resolve(knownID: nil, instance: "worker", logger: api.logger)
        }
        let scaleError = await #expect(throws: ContainerRuntimeError.self) {
            try await api.scale(.init(namespace: "agents", name: "worker"), to: 1)
        }
        try await client.shutdown()
        #expect(resolveError?.isEngineUnavailable == true)
        #expect(scaleError?.isEngineUnavailable == true)
        #expect(resolveError?.message.contains("Kubernetes API server at \(server) is unreachable") == true)
    }
}
