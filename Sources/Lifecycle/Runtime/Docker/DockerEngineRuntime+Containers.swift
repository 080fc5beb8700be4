import NIOCore
import NIOHTTP1

/// One Engine API call per container operation.
extension DockerEngineRuntime {
    package func ping() async throws -> String {
        let version = try await negotiateVersion()
        return "\(version.kind) \(version.engineVersion), API \(version.negotiatedAPIVersion)"
    }

    package func inspect(_ container: String) async throws -> ContainerStatus {
        let (status, body) = try await request(.GET, "/containers/\(Self.percentEncoded(container))/json")
        guard status == 200 else { throw Self.error(status: status, body: body) }
        let inspect = try Self.decode(DockerEngineModels.Inspect.self, from: body)
        let test = inspect.config?.healthcheck?.test ?? []
        return ContainerStatus(
            id: inspect.id,
            name: inspect.name.hasPrefix("/") ? String(inspect.name.dropFirst()) : inspect.name,
            isRunning: inspect.state.running,
            isPaused: inspect.state.paused ?? false,
            hasHealthcheck: !(test.isEmpty || test == ["NONE"]),
            health: inspect.state.health?.status,
            labels: inspect.config?.labels ?? [:],
            ipAddress: Self.ipAddress(of: inspect.networkSettings))
    }

    /// The legacy top-level address (default bridge), else the first network's in name order; "" means none.
    static func ipAddress(of settings: DockerEngineModels.Inspect.NetworkSettings?) -> String? {
        if let address = settings?.ipAddress, !address.isEmpty { return address }
        let networks = (settings?.networks ?? [:]).sorted { $0.key < $1.key }
        return networks.lazy.compactMap(\.value.ipAddress).first { !$0.isEmpty }
    }

    package func create(_ spec: ContainerSpec) async throws -> String {
        let body = DockerEngineModels.Create(
            image: spec.image,
            cmd: spec.command,
            env: spec.environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" },
            labels: spec.labels,
            healthcheck: spec.healthcheck.map {
                .init(test: ["CMD"] + $0, interval: 200_000_000, timeout: 1_000_000_000, retries: 3)
            },
            hostConfig: .init(
                initProcess: spec.useInit, restartPolicy: spec.restartsOnExit ? .init(name: "unless-stopped") : nil))
        let (status, answer) = try await request(.POST, "/containers/create", query: [("name", spec.name)], json: body)
        guard status == 201 else { throw Self.error(status: status, body: answer) }
        return try Self.decode(DockerEngineModels.Created.self, from: answer).id
    }

    package func start(_ container: String) async throws {
        try await expectNoContent(.POST, "/containers/\(Self.percentEncoded(container))/start")
    }

    /// Stops a container; a paused one too (on Podman, which refuses that, it is thawed first and stopped again).
    package func stop(_ container: String, timeout: Duration) async throws {
        let seconds = max(0, Int(timeout.components.seconds))
        let stop = { [self] in
            try await expectNoContent(
                .POST, "/containers/\(Self.percentEncoded(container))/stop", query: [("t", "\(seconds)")],
                timeout: timeout + .seconds(30))
        }
        do {
            try await stop()
        } catch let error as ContainerRuntimeError where quirks.stopNeedsUnpause(error) {
            try await unpause(container)
            try await stop()
        }
    }

    package func pause(_ container: String) async throws {
        try await expectNoContent(.POST, "/containers/\(Self.percentEncoded(container))/pause")
    }

    package func unpause(_ container: String) async throws {
        try await expectNoContent(.POST, "/containers/\(Self.percentEncoded(container))/unpause")
    }

    /// Removes a container (404 counts as done). The lifecycle removes only containers it created: when their
    /// agent is deleted or their definition changed.
    package func remove(_ container: String, force: Bool = true) async throws {
        let (status, body) = try await request(
            .DELETE, "/containers/\(Self.percentEncoded(container))", query: [("force", force ? "true" : "false")])
        guard status == 204 || status == 404 else { throw Self.error(status: status, body: body) }
    }

    /// 204 is done, 304 means it already was (start of a running container, stop of a stopped one).
    private func expectNoContent(
        _ method: HTTPMethod, _ path: String, query: [(String, String)] = [], timeout: Duration = .seconds(30)
    ) async throws {
        let (status, body) = try await request(method, path, query: query, timeout: timeout)
        guard status == 204 || status == 304 else { throw Self.error(status: status, body: body) }
    }
}
