/// What the engine is (Docker or Podman) and its version, from `GET /version`.
extension DockerEngineRuntime: EngineDescribing {
    package func describe() async throws -> EngineDescription {
        let version = try await negotiateVersion()
        return EngineDescription(
            kind: version.kind, version: "\(version.engineVersion), API \(version.negotiatedAPIVersion)")
    }
}
