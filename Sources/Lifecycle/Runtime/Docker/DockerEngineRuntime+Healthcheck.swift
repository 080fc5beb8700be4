import NIOHTTP1

/// Running a container's health probe on demand, for an engine that schedules none itself (Podman without systemd).
extension DockerEngineRuntime {
    /// Runs the container's health probe once (Podman's `GET /libpod/containers/{id}/healthcheck`) and returns the
    /// status it reports: `healthy`, or `unhealthy` for a failed probe even before the retries are used up (the
    /// container's own status stays `starting` until then). Throws `.conflict` when the container is not running or
    /// defines no probe, `.notFound` when it is gone; on dockerd, which has no such call, `.notFound` too.
    package func runHealthcheck(_ container: String) async throws -> String {
        let (status, body) = try await request(
            .GET, "/libpod/containers/\(Self.percentEncoded(container))/healthcheck", timeout: .seconds(60))
        guard status == 200 else { throw Self.error(status: status, body: body) }
        return try Self.decode(DockerEngineModels.HealthcheckRun.self, from: body).status
    }
}
