import Foundation

extension KubernetesConnection {
    /// Where a pod finds its service account: the token, the cluster CA and the pod's namespace.
    package static let serviceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount"

    /// The connection of a pod in the cluster, as client-go's `rest.InClusterConfig`: the API server at
    /// `KUBERNETES_SERVICE_HOST`:`KUBERNETES_SERVICE_PORT`, the service account's `token` and `ca.crt`, and its
    /// `namespace`. Reads files: call it before async code starts or off the cooperative pool.
    package static func inCluster(
        environment: [String: String], directory: String = serviceAccountDirectory
    ) throws -> KubernetesConnection {
        guard let host = environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty,
            let port = environment["KUBERNETES_SERVICE_PORT"], !port.isEmpty
        else {
            throw KubernetesConfigError(
                "not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set")
        }
        let token = try readFile("\(directory)/token", what: "the service account token")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let certificateAuthority = try readFile("\(directory)/ca.crt", what: "the cluster CA")
        let namespace = (try? readFile("\(directory)/namespace", what: "the namespace"))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        // An IPv6 service address needs brackets in a URL.
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return KubernetesConnection(
            server: "https://\(hostPart):\(port)", token: token, certificateAuthorityPEM: certificateAuthority,
            namespace: namespace.flatMap { $0.isEmpty ? nil : $0 } ?? "default")
    }

    static func readFile(_ path: String, what: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else { throw KubernetesConfigError("cannot read \(what) at \(path)") }
        return text
    }
}

/// A Kubernetes connection that cannot be configured: no cluster, a kubeconfig Dormouse cannot use.
package struct KubernetesConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    package let message: String

    package init(_ message: String) {
        self.message = message
    }

    package var description: String { message }
}
