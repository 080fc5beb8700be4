/// A Deployment's state as the lifecycle reads it: wanted replicas (the scale), and what its controller reports.
package struct KubernetesDeploymentSnapshot: Sendable, Hashable {
    package var uid: String
    package var name: String
    package var labels: [String: String]
    package var resourceVersion: String
    package var generation: Int64
    package var observedGeneration: Int64
    /// `spec.replicas`: what the scale asks for.
    package var desiredReplicas: Int
    /// `status.replicas`: pods that exist (not yet terminated).
    package var replicas: Int
    /// `status.readyReplicas`: pods whose readiness probe passes.
    package var readyReplicas: Int

    init(_ deployment: KubernetesModels.Deployment) {
        uid = deployment.metadata.uid ?? ""
        name = deployment.metadata.name ?? ""
        labels = deployment.metadata.labels ?? [:]
        resourceVersion = deployment.metadata.resourceVersion ?? ""
        generation = deployment.metadata.generation ?? 0
        observedGeneration = deployment.status?.observedGeneration ?? 0
        // An omitted spec.replicas defaults to 1 (the API server fills it in; absent only in a partial object).
        desiredReplicas = deployment.spec?.replicas ?? 1
        replicas = deployment.status?.replicas ?? 0
        readyReplicas = deployment.status?.readyReplicas ?? 0
    }

    /// Scaled up: a start is wanted (the lifecycle's "running").
    package var isScaledUp: Bool { desiredReplicas > 0 }

    /// Scaled up and a pod is ready, in a status that reflects the current spec (a status from before the
    /// scale still has the older generation).
    package var isReady: Bool { desiredReplicas > 0 && readyReplicas > 0 && observedGeneration >= generation }

    /// Scaled to zero and no pod left.
    package var isDown: Bool { desiredReplicas == 0 && replicas == 0 && readyReplicas == 0 }
}
