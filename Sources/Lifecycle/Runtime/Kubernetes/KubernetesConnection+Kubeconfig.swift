import Foundation

extension KubernetesConnection {
    /// The connection of the kubeconfig's current context (or `context`): its cluster's `server`, its
    /// `certificate-authority-data` or `certificate-authority` file (relative to the kubeconfig's folder) or
    /// `insecure-skip-tls-verify`, its user's `token` or `tokenFile`, and its namespace. A user that authenticates
    /// otherwise (client certificates, `exec` plugins, `auth-provider`, basic auth) is refused by name. Reads
    /// files: call it before async code starts or off the cooperative pool.
    package static func kubeconfig(at path: String, context: String? = nil) throws -> KubernetesConnection {
        let text = try readFile(path, what: "the kubeconfig")
        let folder = (path as NSString).deletingLastPathComponent
        return try kubeconfig(text, context: context) { file in
            try readFile(file.hasPrefix("/") ? file : "\(folder.isEmpty ? "." : folder)/\(file)", what: "a file")
        }
    }

    /// The connection `text` (a kubeconfig) describes; `readFile` reads the files it names.
    package static func kubeconfig(
        _ text: String, context wanted: String? = nil, readFile: (String) throws -> String
    ) throws -> KubernetesConnection {
        let root = try KubeconfigYAML.parse(text)
        guard let contextName = wanted ?? root["current-context"]?.string, !contextName.isEmpty else {
            throw KubernetesConfigError("the kubeconfig has no current-context")
        }
        let context = try named(contextName, in: root["contexts"], kind: "context", key: "context")
        guard let clusterName = context["cluster"]?.string else {
            throw KubernetesConfigError("context \(contextName) names no cluster")
        }
        let cluster = try named(clusterName, in: root["clusters"], kind: "cluster", key: "cluster")
        guard let server = cluster["server"]?.string, !server.isEmpty else {
            throw KubernetesConfigError("cluster \(clusterName) has no server")
        }
        let user = try context["user"]?.string.map { try named($0, in: root["users"], kind: "user", key: "user") }
        return KubernetesConnection(
            server: server, token: try token(of: user, readFile: readFile),
            certificateAuthorityPEM: try certificateAuthority(of: cluster, name: clusterName, readFile: readFile),
            skipsTLSVerification: cluster["insecure-skip-tls-verify"]?.string == "true",
            namespace: context["namespace"]?.string.flatMap { $0.isEmpty ? nil : $0 } ?? "default")
    }

    private static func named(
        _ name: String, in list: KubeconfigYAML?, kind: String, key: String
    ) throws -> KubeconfigYAML {
        guard let entry = list?.items.first(where: { $0["name"]?.string == name }), let value = entry[key] else {
            throw KubernetesConfigError("the kubeconfig has no \(kind) named \(name)")
        }
        return value
    }

    private static func certificateAuthority(
        of cluster: KubeconfigYAML, name: String, readFile: (String) throws -> String
    ) throws -> String? {
        if let data = cluster["certificate-authority-data"]?.string, !data.isEmpty {
            guard let decoded = Data(base64Encoded: data), let pem = String(data: decoded, encoding: .utf8) else {
                throw KubernetesConfigError("cluster \(name): certificate-authority-data is not base64 of a PEM")
            }
            return pem
        }
        if let file = cluster["certificate-authority"]?.string, !file.isEmpty { return try readFile(file) }
        return nil
    }

    private static func token(of user: KubeconfigYAML?, readFile: (String) throws -> String) throws -> String? {
        guard let user else { return nil }
        if let token = user["token"]?.string, !token.isEmpty { return token }
        if let file = user["tokenFile"]?.string, !file.isEmpty {
            return try readFile(file).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let unsupported = ["client-certificate", "client-certificate-data", "exec", "auth-provider", "username"]
        if let found = unsupported.first(where: { user[$0] != nil }) {
            throw KubernetesConfigError(
                "the kubeconfig's user authenticates with \(found), which Dormouse does not support: give it a"
                    + " token (for example a service account's, from `kubectl create token`)")
        }
        return nil
    }
}
