import Lifecycle

/// The `kubernetes` block of a container-mode agent: an operator's Deployment kept at zero or one replica, in
/// place of `container` (JSON `{"namespace": ..., "deployment": ..., "service": ...}`).
package struct KubernetesBlock: Sendable, Hashable {
    /// The Deployment's namespace; nil: the namespace of Dormouse's connection (its pod's, or the kubeconfig
    /// context's).
    package var namespace: String?
    package var deployment: String
    /// The worker's Service, which `http` tasks are sent to; nil: one named like the Deployment.
    package var service: String?

    package init(namespace: String? = nil, deployment: String, service: String? = nil) {
        self.namespace = namespace
        self.deployment = deployment
        self.service = service
    }

    /// The Deployment to drive, with `defaultNamespace` when the block names none.
    package func target(defaultNamespace: String) -> KubernetesDeploymentTarget {
        KubernetesDeploymentTarget(namespace: namespace ?? defaultNamespace, deployment: deployment, service: service)
    }

    /// Kubernetes names: DNS-1123 labels, lowercase alphanumerics and `-`, at most 63 characters.
    static func isValidName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, let last = bytes.last, bytes.count <= 63 else { return false }
        func isAlphanumeric(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
        return isAlphanumeric(first) && isAlphanumeric(last)
            && bytes.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") }
    }

    /// Every broken rule of the block, on fields under `kubernetes`.
    func validationErrors() -> [RegistryError.FieldError] {
        var errors: [RegistryError.FieldError] = []
        let rule =
            "must be a DNS-1123 label: lowercase letters, digits and -, at most 63, starting and ending alphanumeric"
        if !Self.isValidName(deployment) { errors.append(.init(field: "kubernetes.deployment", message: rule)) }
        if let namespace, !Self.isValidName(namespace) {
            errors.append(.init(field: "kubernetes.namespace", message: rule))
        }
        if let service, !Self.isValidName(service) { errors.append(.init(field: "kubernetes.service", message: rule)) }
        return errors
    }
}

extension KubernetesBlock: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case namespace, deployment, service
    }

    package init(from decoder: any Decoder) throws {
        try StrictKeys.rejectUnknown(in: decoder, known: Set(CodingKeys.allCases.map(\.rawValue)))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            namespace: try container.decodeIfPresent(String.self, forKey: .namespace),
            deployment: try container.decode(String.self, forKey: .deployment),
            service: try container.decodeIfPresent(String.self, forKey: .service))
    }

    /// Only the keys that are set.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(namespace, forKey: .namespace)
        try container.encode(deployment, forKey: .deployment)
        try container.encodeIfPresent(service, forKey: .service)
    }
}
