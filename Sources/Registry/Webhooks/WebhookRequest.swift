import Foundation

/// The body of `POST /webhooks`: `{"url", "secret", "types"?, "instances"?}`; unknown fields are refused.
package struct WebhookRequest: Sendable, Hashable, Decodable {
    package var url: String
    package var secret: String
    package var types: [String]?
    package var instances: [String]?

    /// The shortest secret taken: 32 characters (a random 256-bit key, hex- or base64-encoded, is longer).
    package static let minimumSecretLength = 32
    package static let maximumSecretLength = 1_024
    package static let maximumURLLength = 2_048

    enum CodingKeys: String, CodingKey, CaseIterable {
        case url, secret, types, instances
    }

    package init(url: String, secret: String, types: [String]? = nil, instances: [String]? = nil) {
        self.url = url
        self.secret = secret
        self.types = types
        self.instances = instances
    }

    package init(from decoder: any Decoder) throws {
        try StrictKeys.rejectUnknown(in: decoder, known: Set(CodingKeys.allCases.map(\.rawValue)))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        url = try container.decode(String.self, forKey: .url)
        secret = try container.decode(String.self, forKey: .secret)
        types = try container.decodeIfPresent([String].self, forKey: .types)
        instances = try container.decodeIfPresent([String].self, forKey: .instances)
    }

    /// The host (IPv6 without brackets) and port (the scheme's default when none is written) of an http(s)
    /// URL, or nil when `url` is not one.
    package static func endpoint(of url: String) -> (host: String, port: Int)? {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", var host = components.host?.lowercased(), !host.isEmpty
        else { return nil }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host, components.port ?? (scheme == "https" ? 443 : 80))
    }

    /// Every broken rule: `knownTypes` are the broadcast type names, `isServerItself` says whether a host and
    /// port reach this server (a webhook there would post to itself).
    package func validationErrors(knownTypes: [String], isServerItself: (String, Int) -> Bool)
        -> [RegistryError.FieldError]
    {
        var errors: [RegistryError.FieldError] = []
        errors += urlErrors(isServerItself: isServerItself)
        if secret.count < Self.minimumSecretLength {
            errors.append(
                .init(
                    field: "secret",
                    message: "must be at least \(Self.minimumSecretLength) characters (it has \(secret.count)); "
                        + "use a random value such as `openssl rand -hex 32`"))
        } else if secret.count > Self.maximumSecretLength {
            errors.append(.init(field: "secret", message: "must be at most \(Self.maximumSecretLength) characters"))
        }
        if let types {
            if types.isEmpty {
                errors.append(.init(field: "types", message: "must name at least one type; omit it for every type"))
            }
            for (index, type) in types.enumerated() where !knownTypes.contains(type) {
                errors.append(
                    .init(
                        field: "types.\(index)",
                        message: "unknown type \"\(type)\"; one of \(knownTypes.joined(separator: ", "))"))
            }
        }
        if let instances {
            if instances.isEmpty {
                errors.append(
                    .init(field: "instances", message: "must name at least one agent; omit it for every agent"))
            }
            for (index, name) in instances.enumerated() where !AgentDefinition.isValidName(name) {
                errors.append(.init(field: "instances.\(index)", message: "must match ^[a-z0-9][a-z0-9_.-]{0,62}$"))
            }
        }
        return errors
    }

    private func urlErrors(isServerItself: (String, Int) -> Bool) -> [RegistryError.FieldError] {
        func error(_ message: String) -> [RegistryError.FieldError] { [.init(field: "url", message: message)] }
        guard url.utf8.count <= Self.maximumURLLength else {
            return error("must be at most \(Self.maximumURLLength) bytes")
        }
        guard let components = URLComponents(string: url), components.scheme != nil else {
            return error("must be an absolute http:// or https:// URL")
        }
        guard let (host, port) = Self.endpoint(of: url) else {
            return error("must be an http:// or https:// URL with a host")
        }
        guard (1...65_535).contains(port) else { return error("has port \(port); a port is 1 to 65535") }
        if components.user != nil || components.password != nil {
            return error("must not hold credentials (they would be shown by GET /webhooks); sign with the secret")
        }
        if isServerItself(host, port) {
            return error("points at this Dormouse server itself (\(host):\(port)); a webhook must reach a receiver")
        }
        return []
    }

    /// Throws `RegistryError.invalid` listing every broken rule.
    package func validate(knownTypes: [String], isServerItself: (String, Int) -> Bool) throws {
        let errors = validationErrors(knownTypes: knownTypes, isServerItself: isServerItself)
        guard !errors.isEmpty else { return }
        let summary = errors.map { "\($0.field): \($0.message)" }.joined(separator: "; ")
        throw RegistryError(.invalid, "invalid webhook: \(summary)", fieldErrors: errors)
    }
}
