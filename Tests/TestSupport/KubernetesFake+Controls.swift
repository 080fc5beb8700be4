import NIOCore
import Synchronization

extension KubernetesFake {
    /// Adds a Deployment (opted in to Dormouse unless `labels` say otherwise) at `replicas`, all of them ready.
    package func addDeployment(
        _ name: String, namespace: String = "default", replicas: Int = 0,
        labels: [String: String] = ["dev.dormouse.enable": "true"]
    ) {
        state.withLock { state in
            let deployment = Deployment(
                namespace: namespace, name: name, uid: "uid-\(state.nextUID)", labels: labels, specReplicas: replicas,
                statusReplicas: replicas, readyReplicas: replicas)
            state.nextUID += 1
            state.write(deployment, type: "ADDED")
        }
    }

    /// The stored Deployment.
    package func deployment(_ name: String, namespace: String = "default") -> Deployment? {
        state.withLock { $0.deployments["\(namespace)/\(name)"] }
    }

    /// Scales the Deployment as someone else would (`kubectl scale`): a spec write, then the controller's.
    package func scale(_ name: String, namespace: String = "default", to replicas: Int) {
        state.withLock { $0.setReplicas("\(namespace)/\(name)", to: replicas) }
    }

    /// The pod's readiness probe passes (`ready` true) or fails: the controller writes `readyReplicas`.
    package func markReady(_ name: String, namespace: String = "default", _ ready: Bool = true) {
        state.withLock { state in
            guard var deployment = state.deployments["\(namespace)/\(name)"] else { return }
            deployment.readyReplicas = ready ? deployment.statusReplicas : 0
            state.write(deployment)
        }
    }

    /// Pods become ready as soon as they are created (no readiness to wait for).
    package func setReadyOnScaleUp(_ ready: Bool) {
        state.withLock { $0.readyOnScaleUp = ready }
    }

    /// Deletes the Deployment.
    package func delete(_ name: String, namespace: String = "default") {
        state.withLock { state in
            guard let deployment = state.deployments["\(namespace)/\(name)"] else { return }
            state.write(deployment, type: "DELETED")
        }
    }

    /// Writes an unrelated object `count` times: the revision moves on without events for the Deployments.
    package func writeElsewhere(count: Int = 1) {
        state.withLock { $0.revision += count }
    }

    /// The next `count` scale writes lose a race with another writer: each answered 409 Conflict.
    package func interfereWithScaleWrites(_ count: Int) {
        state.withLock { $0.interferences = count }
    }

    /// Compacts the history up to the current revision: a watch from an older version gets 410 Gone.
    package func compact() {
        state.withLock { state in
            state.compactedBelow = state.revision
            state.history.removeAll()
        }
    }

    /// Sends a BOOKMARK at the current revision to every watch that allows bookmarks.
    package func sendBookmark() {
        state.withLock { state in
            let line = Self.eventLine(
                type: "BOOKMARK",
                object: [
                    "kind": "Deployment", "apiVersion": "apps/v1",
                    "metadata": ["resourceVersion": "\(state.revision)"],
                ])
            for watcher in state.watchers.values where watcher.bookmarks { watcher.continuation.yield(line) }
        }
    }

    /// Ends every open watch, as the server does at `timeoutSeconds` or when it restarts. `gap` runs after the
    /// watches stopped receiving and before their streams end, so what it changes is seen by no open watch: a
    /// client learns of it only by resuming (or, when the history is compacted, by listing again).
    package func endWatches(gap: (KubernetesFake) -> Void = { _ in }) {
        let watchers = state.withLock { state in
            defer { state.watchers.removeAll() }
            return Array(state.watchers.values)
        }
        gap(self)
        for watcher in watchers { watcher.continuation.finish() }
    }

    /// How many watches are open.
    package var openWatches: Int { state.withLock { $0.watchers.count } }

    /// The current revision (the resource version of the latest write).
    package var revision: Int { state.withLock { $0.revision } }

    /// Every request so far, in order.
    package var requests: [RecordedRequest] { state.withLock { $0.requests } }
}
