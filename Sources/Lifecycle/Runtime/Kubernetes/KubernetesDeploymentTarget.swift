/// The Deployment a Kubernetes agent drives (an operator's, kept at zero or one replica), and the Service a task
/// reaches it through.
package struct KubernetesDeploymentTarget: Sendable, Hashable {
    package var deployment: KubernetesDeploymentRef
    /// The worker's Service; nil: one named like the Deployment.
    package var service: String?

    package init(namespace: String, deployment: String, service: String? = nil) {
        self.deployment = KubernetesDeploymentRef(namespace: namespace, name: deployment)
        self.service = service
    }

    /// The Service's DNS name inside the cluster, where an `http` task is sent.
    package var serviceHost: String { "\(service ?? deployment.name).\(deployment.namespace).svc" }

    /// Why Dormouse may not scale a Deployment with `labels`, or nil when it may: an operator's Deployment must
    /// opt in with the label `dev.dormouse.enable=true`, as a container or a Swarm service does.
    package func refusal(labels: [String: String]) -> String? {
        guard !ContainerLabels.allowsDriving(labels) else { return nil }
        return "deployment \(deployment) has not opted in: Dormouse scales a Deployment only when it carries the"
            + " label \(ContainerLabels.enable)=true"
    }
}
