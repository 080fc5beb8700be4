import Lifecycle

/// The JSON form of an agent: snake_case keys, defaults for the optional fields, unknown fields refused.
extension AgentDefinition: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, mode, lifecycle, container, engine, swarm, kubernetes, dispatch
        case idleTimeoutSeconds = "idle_timeout_s"
        case pauseAfterSeconds = "pause_after_s"
        case keepWarm = "keep_warm"
        case keepWarmTimeZone = "keep_warm_time_zone"
        case startTimeoutSeconds = "start_timeout_s"
        case maxConcurrency = "max_concurrency"
        case maxQueue = "max_queue"
    }

    package init(from decoder: any Decoder) throws {
        try StrictKeys.rejectUnknown(in: decoder, known: Set(CodingKeys.allCases.map(\.rawValue)))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            name: try container.decode(String.self, forKey: .name),
            mode: try container.decode(Mode.self, forKey: .mode),
            lifecycle: try container.decodeIfPresent(LifecyclePolicy.Mode.self, forKey: .lifecycle),
            container: try container.decodeIfPresent(ContainerBlock.self, forKey: .container),
            engine: try container.decodeIfPresent(String.self, forKey: .engine),
            swarm: try container.decodeIfPresent(SwarmBlock.self, forKey: .swarm),
            kubernetes: try container.decodeIfPresent(KubernetesBlock.self, forKey: .kubernetes),
            idleTimeoutSeconds: try container.decodeIntegerIfPresent(forKey: .idleTimeoutSeconds) ?? 300,
            pauseAfterSeconds: try container.decodeIntegerIfPresent(forKey: .pauseAfterSeconds),
            keepWarm: try container.decodeIfPresent([String].self, forKey: .keepWarm),
            keepWarmTimeZone: try container.decodeIfPresent(String.self, forKey: .keepWarmTimeZone),
            startTimeoutSeconds: try container.decodeIntegerIfPresent(forKey: .startTimeoutSeconds) ?? 60,
            maxConcurrency: try container.decodeIntegerIfPresent(forKey: .maxConcurrency) ?? 1,
            maxQueue: try container.decodeIntegerIfPresent(forKey: .maxQueue) ?? 100,
            dispatch: try container.decode(DispatchMethod.self, forKey: .dispatch))
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(mode, forKey: .mode)
        try container.encode(lifecycle, forKey: .lifecycle)
        try container.encode(self.container, forKey: .container)
        // Written only when set, so the stored JSON of an agent without them is what it was before they existed.
        try container.encodeIfPresent(engine, forKey: .engine)
        try container.encodeIfPresent(swarm, forKey: .swarm)
        try container.encodeIfPresent(kubernetes, forKey: .kubernetes)
        try container.encodeIfPresent(pauseAfterSeconds, forKey: .pauseAfterSeconds)
        try container.encodeIfPresent(keepWarm, forKey: .keepWarm)
        try container.encodeIfPresent(keepWarmTimeZone, forKey: .keepWarmTimeZone)
        try container.encode(idleTimeoutSeconds, forKey: .idleTimeoutSeconds)
        try container.encode(startTimeoutSeconds, forKey: .startTimeoutSeconds)
        try container.encode(maxConcurrency, forKey: .maxConcurrency)
        try container.encode(maxQueue, forKey: .maxQueue)
        try container.encode(dispatch, forKey: .dispatch)
    }
}

extension LifecyclePolicy.Mode: Codable {}

extension KeyedDecodingContainer {
    /// An integer member, or nil when absent or null. A number no `Int` holds (`1.5`, `1e30`) is a type mismatch
    /// at its key: Foundation throws its own error for it, which `JSONDecoder` reports as a body that is not
    /// valid JSON, naming no field.
    func decodeIntegerIfPresent(forKey key: Key) throws -> Int? {
        do {
            return try decodeIfPresent(Int.self, forKey: key)
        } catch let error where !(error is DecodingError) {
            throw DecodingError.typeMismatch(
                Int.self, .init(codingPath: codingPath + [key], debugDescription: "not an integer: \(error)"))
        }
    }
}

extension ContainerBlock: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, image, command, env
    }

    package init(from decoder: any Decoder) throws {
        try StrictKeys.rejectUnknown(in: decoder, known: Set(CodingKeys.allCases.map(\.rawValue)))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            name: try container.decodeIfPresent(String.self, forKey: .name),
            image: try container.decodeIfPresent(String.self, forKey: .image),
            command: try container.decodeIfPresent([String].self, forKey: .command),
            env: try container.decodeIfPresent([String: String].self, forKey: .env))
    }

    /// Every key is written, null when unset.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(image, forKey: .image)
        try container.encode(command, forKey: .command)
        try container.encode(env, forKey: .env)
    }
}

extension DispatchMethod: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case type, argv, port, path
        case timeoutSeconds = "timeout_s"
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        let known: [CodingKeys] =
            type == "http" ? [.type, .port, .path, .timeoutSeconds] : [.type, .argv, .timeoutSeconds]
        try StrictKeys.rejectUnknown(in: decoder, known: Set(known.map(\.rawValue)))
        let timeout = try container.decodeIfPresent(Int.self, forKey: .timeoutSeconds) ?? Self.defaultTimeoutSeconds
        switch type {
        case "exec":
            self = .exec(argv: try container.decode([String].self, forKey: .argv), timeoutSeconds: timeout)
        case "command":
            self = .command(argv: try container.decode([String].self, forKey: .argv), timeoutSeconds: timeout)
        case "http":
            self = .http(
                port: try container.decode(Int.self, forKey: .port),
                path: try container.decodeIfPresent(String.self, forKey: .path) ?? "/", timeoutSeconds: timeout)
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: container, debugDescription: "must be \"exec\", \"http\" or \"command\"")
        }
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(type, forKey: .type)
        switch self {
        case .exec(let argv, _), .command(let argv, _):
            try container.encode(argv, forKey: .argv)
        case .http(let port, let path, _):
            try container.encode(port, forKey: .port)
            try container.encode(path, forKey: .path)
        }
        try container.encode(timeoutSeconds, forKey: .timeoutSeconds)
    }
}
