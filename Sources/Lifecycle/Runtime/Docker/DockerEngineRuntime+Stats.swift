import NIOCore
import NIOHTTP1

/// A container's memory, from one `stats` sample.
extension DockerEngineRuntime {
    /// One sample (`stream=false`, and `one-shot=true` so the engine does not wait a second for a CPU delta). A
    /// running or paused container answers with its cgroup's figures; a created or stopped one with
    /// `memory_stats: {}` (dockerd 20.10), which is a `.conflict` here rather than a misleading 0.
    package func memoryUsage(_ container: String) async throws -> UInt64 {
        let (status, body) = try await request(
            .GET, "/containers/\(Self.percentEncoded(container))/stats",
            query: [("stream", "false"), ("one-shot", "true")])
        // Podman answers with an empty body: 404 for a missing container, 200 for one that does not run.
        if body.readableBytes == 0, status == 404 || status == 200 {
            throw status == 404
                ? ContainerRuntimeError.notFound("No such container: \(container)")
                : ContainerRuntimeError.conflict(
                    "container \(container) is not running: the engine reports no memory for it")
        }
        guard status == 200 else { throw Self.error(status: status, body: body) }
        let stats = try Self.decode(DockerEngineModels.Stats.self, from: body)
        guard let memory = stats.memoryStats, let usage = Self.memoryUsage(of: memory) else {
            throw ContainerRuntimeError.conflict(
                "container \(container) is not running: the engine reports no memory for it")
        }
        return usage
    }

    /// The figure the `docker stats` CLI shows: usage less the inactive page cache (`total_inactive_file` on cgroup
    /// v1, `inactive_file` on v2; `cache` for engines older than either). Like the CLI, a cache figure that is not
    /// below the usage is not subtracted, so the result never goes below 0 and never hides a worker from a budget.
    /// Nil when the answer has no usage (the container is not running).
    static func memoryUsage(of memory: DockerEngineModels.Stats.MemoryStats) -> UInt64? {
        guard let usage = memory.usage else { return nil }
        let counters = memory.stats ?? [:]
        guard let cache = counters["total_inactive_file"] ?? counters["inactive_file"] ?? counters["cache"],
            cache < usage
        else { return usage }
        return usage - cache
    }
}
