import AsyncHTTPClient
import Foundation
import Lifecycle
import Logging

/// The real Docker engine that `make test` starts, and the test image it builds.
///
/// Integration tests run when the engine answers. With `DORMOUSE_REQUIRE_DOCKER=1` (set by `make test` and
/// CI) an engine that does not answer fails the tests instead of skipping them. `make test` runs the engine suites
/// a second time against Podman (`scripts/podman.sh`): `DOCKER_HOST` names its socket and
/// `DORMOUSE_TEST_ENGINE=podman` says so, for the tests that cannot apply there to be skipped by name.
package enum DockerFixture {
    package static let image =
        ProcessInfo.processInfo.environment["DORMOUSE_TEST_IMAGE"] ?? "dormouse-test/busybox:latest"
    package static let required = ProcessInfo.processInfo.environment["DORMOUSE_REQUIRE_DOCKER"] == "1"
    package static let endpoint =
        ProcessInfo.processInfo.environment["DOCKER_HOST"].flatMap(DockerEndpoint.init(dockerHost:)) ?? .localSocket
    package static let socketPath = "/var/run/docker.sock"
    /// The engine `DOCKER_HOST` names is Podman (`DORMOUSE_TEST_ENGINE=podman`), not dockerd.
    package static let isPodman = ProcessInfo.processInfo.environment["DORMOUSE_TEST_ENGINE"] == "podman"

    /// Whether the integration tests run: they are required, or the engine `DOCKER_HOST` names may answer (its
    /// socket exists, or it is a TCP address).
    package static var enabled: Bool {
        guard !required else { return true }
        let address = endpoint.description
        guard address.hasPrefix("unix://") else { return true }
        return FileManager.default.fileExists(atPath: String(address.dropFirst("unix://".count)))
    }

    package static let logger: Logger = {
        var logger = Logger(label: "docker-test")
        logger.logLevel = .error
        return logger
    }()

    /// Runs `body` with a runtime on a fresh HTTP client, shut down afterwards.
    package static func withRuntime<T>(_ body: (DockerEngineRuntime) async throws -> T) async throws -> T {
        let client = DockerEngineRuntime.makeHTTPClient()
        let runtime = DockerEngineRuntime(endpoint: endpoint, client: client, logger: logger)
        do {
            let result = try await body(runtime)
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// Runs `body`, then removes the named containers (awaited, also when `body` throws).
    package static func removing<T>(
        _ names: [String], on runtime: DockerEngineRuntime, _ body: () async throws -> T
    ) async throws -> T {
        do {
            let result = try await body()
            for name in names { try await runtime.remove(name) }
            return result
        } catch {
            for name in names { try? await runtime.remove(name) }
            throw error
        }
    }

    /// A container name no other test uses.
    package static func uniqueName(_ prefix: String) -> String {
        "dormouse-test-\(prefix)-\(UInt32.random(in: 0...UInt32.max))"
    }
}
