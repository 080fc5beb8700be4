/// The parts of the Kubernetes API objects Dormouse reads and writes (apps/v1 Deployment, autoscaling/v1 Scale,
/// meta/v1 Status and watch events). Absent fields decode as nil: the API server omits zero values
/// (`readyReplicas` of a Deployment at 0 is not sent at all).
enum KubernetesModels {
    struct ObjectMeta: Codable, Sendable, Hashable {
        var name: String?
        var namespace: String?
        var uid: String?
        var resourceVersion: String?
        var generation: Int64?
        var labels: [String: String]?
    }

    struct ListMeta: Codable, Sendable, Hashable {
        var resourceVersion: String?
    }

    /// `autoscaling/v1` Scale: the subresource a replica count is read from and written to.
    struct Scale: Codable, Sendable, Hashable {
        struct Spec: Codable, Sendable, Hashable {
            var replicas: Int?
        }

        struct Status: Codable, Sendable, Hashable {
            var replicas: Int?
            var selector: String?
        }

        var apiVersion: String? = "autoscaling/v1"
        var kind: String? = "Scale"
        var metadata: ObjectMeta
        var spec: Spec?
        var status: Status?
    }

    struct Deployment: Codable, Sendable, Hashable {
        struct Spec: Codable, Sendable, Hashable {
            var replicas: Int?
        }

        struct Status: Codable, Sendable, Hashable {
            var observedGeneration: Int64?
            var replicas: Int?
            var readyReplicas: Int?
            var availableReplicas: Int?
        }

        var metadata: ObjectMeta
        var spec: Spec?
        var status: Status?
    }

    struct DeploymentList: Codable, Sendable, Hashable {
        var metadata: ListMeta?
        var items: [Deployment]
    }

    /// `meta/v1` Status: the body of every refusal and of a watch's ERROR event.
    struct Status: Codable, Sendable, Hashable {
        var message: String?
        var reason: String?
        var code: Int?
    }

    /// A watch event's type, read before its object (whose kind depends on it).
    struct WatchEnvelope: Decodable {
        var type: String
    }

    struct WatchEvent<Object: Decodable>: Decodable {
        var object: Object
    }
}
