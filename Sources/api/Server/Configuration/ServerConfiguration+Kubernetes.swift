import AsyncHTTPClient
import DormouseClient
import Lifecycle
import Logging
import NIOPosix

/// Where `DORMOUSE_KUBERNETES` says the cluster is.
package enum KubernetesSource: Sendable, Hashable {
    /// The pod's service account; the service host and port are `KUBERNETES_SERVICE_HOST` and `_PORT`.
    case inCluster(environment: [String: String])
    /// A kubeconfig file, at its current context or the one named.
    case kubeconfig(path: String, context: String?)
}

/// `DORMOUSE_KUBERNETES` and `DORMOUSE_KUBERNETES_CONTEXT`: the cluster Kubernetes agents run on.
extension ServerConfiguration {
    /// `in-cluster`, or the path of a kubeconfig (with `DORMOUSE_KUBERNETES_CONTEXT` naming a context other than its
    /// current one); unset or empty: no cluster.
    static func kubernetesSource(_ environment: [String: String]) throws -> KubernetesSource? {
        guard let value = environment["DORMOUSE_KUBERNETES"], !value.isEmpty else { return nil }
        if value == "in-cluster" {
            return .inCluster(
                environment: environment.filter {
                    $0.key == "KUBERNETES_SERVICE_HOST" || $0.key == "KUBERNETES_SERVICE_PORT"
                })
        }
        guard value.hasPrefix("/") || value.hasPrefix(".") || value.hasPrefix("~") else {
            throw ConfigurationError(
                "DORMOUSE_KUBERNETES must be in-cluster or the path of a kubeconfig, got \"\(value)\"")
        }
        let context = environment["DORMOUSE_KUBERNETES_CONTEXT"].flatMap { $0.isEmpty ? nil : $0 }
        return .kubeconfig(path: value, context: context)
    }
}

extension KubernetesSource {
    /// Reads the token, CA and kubeconfig files on NIO's blocking pool (never on the cooperative one) and builds
    /// the cluster's Deployment monitor, which owns its HTTP client.
    func makeMonitor(logger: Logger) async throws -> KubernetesDeploymentMonitor {
        let source = self
        let connection = try await NIOThreadPool.singleton.runIfActive {
            switch source {
            case .inCluster(let environment): try KubernetesConnection.inCluster(environment: environment)
            case .kubeconfig(let path, let context): try KubernetesConnection.kubeconfig(at: path, context: context)
            }
        }
        var logger = logger
        logger[metadataKey: "kubernetes.server"] = "\(connection.server)"
        let api = KubernetesAPI(connection: connection, client: try connection.makeHTTPClient(), logger: logger)
        return KubernetesDeploymentMonitor(api: api, logger: logger, ownsClient: true)
    }
}
