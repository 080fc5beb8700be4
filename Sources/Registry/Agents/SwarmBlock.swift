/// The `swarm` block of a container-mode agent, in place of `container`: an operator's Swarm service by name
/// (it must carry `dev.dormouse.enable=true`), or a service Dormouse creates from an image.
package struct SwarmBlock: Sendable, Hashable {
    /// An existing service's name; exclusive with `image`.
    package var service: String?
    /// The image of the service Dormouse creates; exclusive with `service`.
    package var image: String?
    package var command: [String]?
    package var env: [String: String]?

    package init(service: String? = nil, image: String? = nil, command: [String]? = nil, env: [String: String]? = nil) {
        self.service = service
        self.image = image
        self.command = command
        self.env = env
    }
}

extension SwarmBlock: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case service, image, command, env
    }

    package init(from decoder: any Decoder) throws {
        try StrictKeys.rejectUnknown(in: decoder, known: Set(CodingKeys.allCases.map(\.rawValue)))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            service: try container.decodeIfPresent(String.self, forKey: .service),
            image: try container.decodeIfPresent(String.self, forKey: .image),
            command: try container.decodeIfPresent([String].self, forKey: .command),
            env: try container.decodeIfPresent([String: String].self, forKey: .env))
    }

    /// Only the keys that are set: a block names a service or an image, never both.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(service, forKey: .service)
        try container.encodeIfPresent(image, forKey: .image)
        try container.encodeIfPresent(command, forKey: .command)
        try container.encodeIfPresent(env, forKey: .env)
    }
}
