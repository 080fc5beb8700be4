import AsyncHTTPClient
import Foundation
import Lifecycle

/// The Podman service `make test` starts beside dockerd (`scripts/podman.sh`), for the tests that drive it as a
/// named engine while dockerd is `local`.
///
/// They run when its socket exists; with `DORMOUSE_REQUIRE_PODMAN=1` (set by `make test`) a missing service fails
/// them instead. `DORMOUSE_PODMAN_HOST` names another socket (default `unix:///run/dormouse-podman/podman.sock`).
package enum PodmanFixture {
    package static let host =
        ProcessInfo.processInfo.environment["DORMOUSE_PODMAN_HOST"] ?? "unix:///run/dormouse-podman/podman.sock"
    package static let required = ProcessInfo.processInfo.environment["DORMOUSE_REQUIRE_PODMAN"] == "1"

    /// Whether the tests run: Podman is required, or its socket exists.
    package static var enabled: Bool {
        required || !host.hasPrefix("unix://") || FileManager.default.fileExists(atPath: String(host.dropFirst(7)))
    }

    /// Runs `body` with a runtime for Podman, named `name`, on a fresh HTTP client shut down afterwards.
    package static func withRuntime<T>(
        name: String? = nil, _ body: (DockerEngineRuntime) async throws -> T
    ) async throws -> T {
        let client = DockerEngineRuntime.makeHTTPClient()
        guard let endpoint = DockerEndpoint(dockerHost: host) else {
            try await client.shutdown()
            throw DockerEndpointInvalid(host: host)
        }
        let runtime = DockerEngineRuntime(endpoint: endpoint, client: client, name: name, logger: DockerFixture.logger)
        do {
            let result = try await body(runtime)
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }
}

/// `DORMOUSE_PODMAN_HOST` is not an engine address.
package struct DockerEndpointInvalid: Error, CustomStringConvertible {
    package let host: String
    package var description: String { "DORMOUSE_PODMAN_HOST must be unix:///path or tcp://host:port, got \(host)" }
}
