import AsyncHTTPClient
import Logging
import Synchronization
import TestSupport

@testable import Lifecycle

/// A fake API server with one Deployment, and Dormouse's client, monitor and backend for it; the monitor runs
/// for the length of `body`.
struct KubernetesHarness {
    let fake: KubernetesFake
    let api: KubernetesAPI
    let monitor: KubernetesDeploymentMonitor
    let backend: KubernetesWorkerBackend
    let ref = KubernetesDeploymentRef(namespace: "agents", name: "worker")

    static func with(
        replicas: Int = 0, labels: [String: String] = ["dev.dormouse.enable": "true"], token: String? = nil,
        updateAttempts: Int = 5,
        _ body: (KubernetesHarness) async throws -> Void
    ) async throws {
        try await KubernetesFake.withRunning { fake in
            fake.addDeployment("worker", namespace: "agents", replicas: replicas, labels: labels)
            let connection = KubernetesConnection(server: fake.baseURL, token: token ?? fake.token)
            let client = try connection.makeHTTPClient()
            var logger = Logger(label: "kubernetes-test")
            logger.logLevel = .critical
            let api = KubernetesAPI(
                connection: connection, client: client, logger: logger, updateAttempts: updateAttempts)
            let monitor = KubernetesDeploymentMonitor(api: api, logger: logger)
            let backend = KubernetesWorkerBackend(
                target: KubernetesDeploymentTarget(namespace: "agents", deployment: "worker"), monitor: monitor,
                logger: logger)
            let running = Task { await monitor.run() }
            let harness = KubernetesHarness(fake: fake, api: api, monitor: monitor, backend: backend)
            do {
                try await body(harness)
            } catch {
                running.cancel()
                await running.value
                try? await client.shutdown()
                throw error
            }
            running.cancel()
            await running.value
            try await client.shutdown()
        }
    }

    func resolve() async throws -> WorkerStatus {
        try await backend.resolve(knownID: nil, instance: "worker", logger: api.logger)
    }

    /// Waits until the monitor's watch shows a state of the Deployment that meets `condition`.
    @discardableResult
    func watched(
        _ condition: @escaping @Sendable (KubernetesDeploymentSnapshot?) -> Bool
    ) async throws -> KubernetesDeploymentSnapshot? {
        try await monitor.wait(for: ref, until: condition)
    }

    /// The requests to the Deployment's scale subresource, as `METHOD status`.
    var scaleCalls: [String] {
        fake.requests.filter { $0.path.hasSuffix("/worker/scale") }.map { "\($0.method) \($0.status)" }
    }
}

/// Stands in for the lifecycle controller: keeps the backend's events and counts its reconnections.
final class RecordingObserver: WorkerEventObserver {
    private let recorded = Mutex<(events: [WorkerEvent], reconnections: Int)>(([], 0))
    private let changes = ChangeSignal()

    func workerEvent(_ event: WorkerEvent) async {
        recorded.withLock { $0.events.append(event) }
        changes.notify()
    }

    func engineReconnected() async {
        recorded.withLock { $0.reconnections += 1 }
        changes.notify()
    }

    var actions: [WorkerEvent.Action] { recorded.withLock { $0.events.map(\.action) } }
    var reconnections: Int { recorded.withLock { $0.reconnections } }

    /// Waits until `condition` holds of the recorded actions and reconnections.
    func waitUntil(_ condition: @escaping ([WorkerEvent.Action], Int) -> Bool) async throws {
        _ = try await changes.wait(within: .seconds(10)) {
            let (actions, reconnections) = self.recorded.withLock { ($0.events.map(\.action), $0.reconnections) }
            return condition(actions, reconnections) ? true : nil
        }
    }
}
