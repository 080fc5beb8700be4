import Foundation
import NIOCore

extension KubernetesFake {
    /// One Deployment as the fake stores it.
    package struct Deployment: Sendable, Hashable {
        package var namespace: String
        package var name: String
        package var uid: String
        package var labels: [String: String]
        package var annotations: [String: String] = [:]
        package var generation: Int64 = 1
        package var resourceVersion: Int = 0
        package var specReplicas: Int
        package var statusReplicas: Int
        package var readyReplicas: Int
        package var observedGeneration: Int64 = 1

        var key: String { "\(namespace)/\(name)" }
    }

    /// A request as the fake received it, and the status it answered.
    package struct RecordedRequest: Sendable, Hashable {
        package var method: String
        package var path: String
        package var query: [String: String]
        package var authorization: String?
        package var body: Data
        package var status: Int
        package var isWatch: Bool { query["watch"] == "1" || query["watch"] == "true" }
    }

    struct HistoryEvent {
        var resourceVersion: Int
        var type: String
        var deployment: Deployment
    }

    struct Watcher {
        var namespace: String
        var name: String?
        var bookmarks: Bool
        var continuation: AsyncStream<ByteBuffer>.Continuation
    }

    struct State {
        /// etcd's revision: every write to any object takes the next one.
        var revision = 100
        /// Watches from a version below this get 410 Gone (the history before it was compacted).
        var compactedBelow = 0
        var deployments: [String: Deployment] = [:]
        var history: [HistoryEvent] = []
        var watchers: [UInt64: Watcher] = [:]
        var nextWatcher: UInt64 = 0
        var requests: [RecordedRequest] = []
        /// Scale writes still to be beaten by another writer (a conflict each).
        var interferences = 0
        var readyOnScaleUp = false
        var nextUID = 1

        /// Stores `deployment` under a new resource version and tells the watchers of it.
        mutating func write(_ deployment: Deployment, type: String = "MODIFIED") {
            var deployment = deployment
            revision += 1
            deployment.resourceVersion = revision
            if type == "DELETED" {
                deployments[deployment.key] = nil
            } else {
                deployments[deployment.key] = deployment
            }
            history.append(HistoryEvent(resourceVersion: revision, type: type, deployment: deployment))
            for watcher in watchers.values where watcher.matches(deployment) {
                watcher.continuation.yield(KubernetesFake.eventLine(type: type, object: deployment.json))
            }
        }

        /// What the Deployment controller does after a change of `spec.replicas`: catches its status up (pods
        /// created or deleted at once; readiness is the test's to give, or at once with `readyOnScaleUp`).
        mutating func reconcile(_ key: String) {
            guard var deployment = deployments[key] else { return }
            deployment.observedGeneration = deployment.generation
            deployment.statusReplicas = deployment.specReplicas
            deployment.readyReplicas =
                deployment.specReplicas == 0 ? 0 : readyOnScaleUp ? deployment.specReplicas : deployment.readyReplicas
            write(deployment)
        }

        /// A change of the replica count: a spec write (a new generation), then the controller's status write.
        mutating func setReplicas(_ key: String, to replicas: Int) {
            guard var deployment = deployments[key], deployment.specReplicas != replicas else { return }
            deployment.specReplicas = replicas
            deployment.generation += 1
            write(deployment)
            reconcile(key)
        }
    }
}

extension KubernetesFake.Watcher {
    func matches(_ deployment: KubernetesFake.Deployment) -> Bool {
        deployment.namespace == namespace && (name == nil || name == deployment.name)
    }
}
