/// A Deployment by namespace and name.
package struct KubernetesDeploymentRef: Sendable, Hashable, CustomStringConvertible {
    package var namespace: String
    package var name: String

    package init(namespace: String, name: String) {
        self.namespace = namespace
        self.name = name
    }

    package var description: String { "\(namespace)/\(name)" }

    /// The collection path the Deployment is in.
    var collectionPath: String { "/apis/apps/v1/namespaces/\(namespace)/deployments" }

    var path: String { "\(collectionPath)/\(name)" }
}
