import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The engine's `/events` stream, filtered to services.
extension SwarmServices {
    /// Service events (create, update, remove) from now on, or replayed from `since` (engine nanoseconds), like
    /// `DockerEngineRuntime.events(since:)` for containers: returns once the engine accepted the subscription;
    /// the stream ends or throws when the engine goes away and the caller resubscribes.
    ///
    /// Swarm emits no task events: a task that starts, becomes healthy or dies shows only as container events on
    /// the node that runs it (when Dormouse reaches that engine) and in `tasks(of:)`, which must be polled.
    package func serviceEvents(
        since: ContainerEvent.Timestamp?
    ) async throws -> AsyncThrowingStream<SwarmServiceEvent, any Error> {
        var query = [("filters", try Self.filter(["type": ["service"], "event": ["create", "update", "remove"]]))]
        if let since {
            query.append(("since", "\(since / 1_000_000_000).\(String(format: "%09lld", since % 1_000_000_000))"))
        }
        let request = engine.prepare(.GET, try await engine.versionedURL("/events", query: query), body: nil)
        let response: HTTPClientResponse
        do {
            response = try await engine.client.execute(request, timeout: .seconds(10), logger: engine.logger)
        } catch {
            throw engine.unreachable(error)
        }
        guard response.status == .ok else {
            let body = try await response.body.collect(upTo: 1024 * 1024)
            throw Self.error(status: Int(response.status.code), body: body)
        }
        // Unbounded on purpose, as for containers: service events are few, and a dropped scale could leave an
        // agent believing a service runs.
        let (stream, continuation) = AsyncThrowingStream<SwarmServiceEvent, any Error>.makeStream()
        let engine = self.engine
        let reader = Task {
            var lines = LineSplitter()
            do {
                for try await chunk in response.body {
                    for line in lines.append(chunk) {
                        if let event = Self.parseServiceEvent(line) { continuation.yield(event) }
                    }
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: engine.unreachable(error))
            }
        }
        continuation.onTermination = { _ in reader.cancel() }
        return stream
    }

    static func parseServiceEvent(_ line: [UInt8]) -> SwarmServiceEvent? {
        guard let raw = try? JSONDecoder().decode(DockerEngineModels.Event.self, from: Data(line)),
            raw.type == "service", let id = raw.actor?.id ?? raw.id, let action = raw.action
        else { return nil }
        let attributes = raw.actor?.attributes ?? [:]
        let mapped: SwarmServiceEvent.Action
        switch action {
        case "create": mapped = .create
        case "remove": mapped = .remove
        case "update":
            mapped = .update(
                oldReplicas: attributes["replicas.old"].flatMap { Int($0) },
                newReplicas: attributes["replicas.new"].flatMap { Int($0) })
        default: mapped = .other(action)
        }
        return SwarmServiceEvent(
            serviceID: id, serviceName: attributes["name"], action: mapped,
            time: raw.timeNano ?? (raw.time ?? 0) * 1_000_000_000)
    }
}
