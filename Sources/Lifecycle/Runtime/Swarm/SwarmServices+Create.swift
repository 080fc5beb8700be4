import Foundation

/// Creating the services Dormouse owns.
extension SwarmServices {
    /// Creates a service with zero replicas from `spec`, labelled (service and containers) with
    /// `SwarmServiceLabels.forService(spec)` over `spec.labels`; returns its id. Throws `.conflict` when the name
    /// is taken. The image must be on the nodes already or pullable: Swarm does not check it until a task runs.
    package func create(_ spec: SwarmServiceSpec) async throws -> String {
        let labels = spec.labels.merging(SwarmServiceLabels.forService(spec)) { _, ours in ours }
        let body = SwarmEngineModels.ServiceCreate(
            name: spec.name,
            labels: labels,
            taskTemplate: .init(
                containerSpec: .init(
                    image: spec.image,
                    args: spec.command,
                    env: spec.environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" },
                    labels: labels,
                    healthcheck: spec.healthcheck.map {
                        .init(test: ["CMD"] + $0, interval: 200_000_000, timeout: 1_000_000_000, retries: 3)
                    },
                    // docker-init as PID 1 honours SIGTERM, so a scale to 0 ends the task at once instead of
                    // after the stop grace period.
                    initProcess: true),
                restartPolicy: .init(condition: spec.restartsOnFailure ? "on-failure" : "none")),
            mode: .init(replicated: .init(replicas: 0)))
        let spec: Data
        do {
            spec = try JSONEncoder().encode(body)
        } catch {
            throw ContainerRuntimeError.invalidResponse("could not write the service spec: \(error)")
        }
        return try await create(rawSpec: spec)
    }

    /// Creates a service from a whole `ServiceSpec` as JSON (an operator's service, as tests make them); returns
    /// its id. No label is added: this is not how Dormouse makes its own services.
    package func create(rawSpec: Data) async throws -> String {
        let (status, answer) = try await send("/services/create", json: rawSpec)
        guard status == 201 else { throw Self.error(status: status, body: answer) }
        return try DockerEngineRuntime.decode(SwarmEngineModels.Created.self, from: answer).id
    }
}
