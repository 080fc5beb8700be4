/// What an engine says it is, read from it (never configured): its kind (`Docker`, `Podman`) and version.
package struct EngineDescription: Sendable, Hashable {
    package var kind: String
    package var version: String

    package init(kind: String, version: String) {
        self.kind = kind
        self.version = version
    }
}

/// A runtime that can say what engine it drives. `DockerEngineRuntime` reads it from `GET /version`; a runtime
/// that does not conform is reported by its `ping()` text alone.
package protocol EngineDescribing: Sendable {
    /// Asks the engine; throws as `ContainerRuntime.ping()` does when it cannot be reached.
    func describe() async throws -> EngineDescription
}
