import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The engine's `/events` stream, filtered to containers, one JSON object per line.
extension DockerEngineRuntime {
    /// The container events the lifecycle reacts to, as dockerd names them (`health_status` matches every
    /// `health_status: …`); the engine's quirks rename them for its filter (`EngineQuirks.eventFilter`). The engine
    /// sends no others: an exec alone makes three (`exec_create`, `exec_start`, `exec_die`), which every dispatch to
    /// an exec worker would otherwise have Dormouse decode and drop.
    package static let lifecycleActions = [
        "start", "die", "stop", "pause", "unpause", "destroy", "health_status",
    ]

    /// The events the lifecycle reacts to (`lifecycleActions`).
    package func events(
        since: ContainerEvent.Timestamp?
    ) async throws -> AsyncThrowingStream<ContainerEvent, any Error> {
        try await events(since: since, actions: Self.lifecycleActions)
    }

    /// Container events; only the named `actions` when given, every one when nil.
    package func events(
        since: ContainerEvent.Timestamp?, actions: [String]?
    ) async throws -> AsyncThrowingStream<ContainerEvent, any Error> {
        // The URL first: it negotiates the version, which settles the quirks the filter and the parser use.
        let url = try await versionedURL("/events", query: [])
        let quirks = self.quirks
        var filters = ["type": ["container"]]
        if let actions { filters["event"] = quirks.eventFilter(actions) }
        let filter = String(
            decoding: try JSONSerialization.data(withJSONObject: filters, options: [.sortedKeys]), as: UTF8.self)
        var query = [("filters", filter)]
        if let since {
            query.append(("since", "\(since / 1_000_000_000).\(String(format: "%09lld", since % 1_000_000_000))"))
        }
        let encoded = query.map { "\($0.0)=\(Self.percentEncoded($0.1))" }.joined(separator: "&")
        let request = prepare(.GET, url + "?" + encoded, body: nil)
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: .seconds(10), logger: logger)
        } catch {
            throw unreachable(error)
        }
        guard response.status == .ok else {
            let body = try await response.body.collect(upTo: 1024 * 1024)
            throw Self.error(status: Int(response.status.code), body: body)
        }
        // Unbounded on purpose: container events are few and the monitor drains them at once; dropping one
        // could leave an instance believing a dead container runs.
        let (stream, continuation) = AsyncThrowingStream<ContainerEvent, any Error>.makeStream()
        let reader = Task {
            var lines = LineSplitter()
            do {
                for try await chunk in response.body {
                    for line in lines.append(chunk) {
                        if let event = Self.parseEvent(line, quirks: quirks) { continuation.yield(event) }
                    }
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: self.unreachable(error))
            }
        }
        continuation.onTermination = { _ in reader.cancel() }
        return stream
    }

    /// One line of the stream as a container event; nil for anything else. The engine's quirks name the action.
    static func parseEvent(_ line: [UInt8], quirks: EngineQuirks = .docker) -> ContainerEvent? {
        guard let raw = try? JSONDecoder().decode(DockerEngineModels.Event.self, from: Data(line)),
            raw.type == nil || raw.type == "container",
            let id = raw.actor?.id ?? raw.id, let action = raw.action
        else { return nil }
        let attributes = raw.actor?.attributes ?? [:]
        return ContainerEvent(
            containerID: id,
            containerName: attributes["name"],
            action: mapAction(
                quirks.dockerAction(action), attributes: attributes,
                health: quirks.healthStatus(attributes: attributes, topLevel: raw.healthStatus)),
            time: raw.timeNano ?? (raw.time ?? 0) * 1_000_000_000,
            swarmServiceID: attributes["com.docker.swarm.service.id"])
    }

    /// The lifecycle's action for an action named as dockerd names it; `health` is the status a `health_status`
    /// event carries outside its action.
    static func mapAction(_ action: String, attributes: [String: String], health: String?) -> ContainerEvent.Action {
        switch action {
        case "start": return .start
        case "die": return .die(exitCode: attributes["exitCode"].flatMap { Int($0) })
        case "stop": return .stop
        case "pause": return .pause
        case "unpause": return .unpause
        case "destroy": return .destroy
        case "health_status: healthy": return .healthy
        case "health_status: unhealthy": return .unhealthy
        case "health_status":
            // Newer engines put the status in an attribute instead of the action, Podman in a field of its own.
            switch health {
            case "healthy": return .healthy
            case "unhealthy": return .unhealthy
            default: return .other(action)
            }
        default: return .other(action)
        }
    }
}

/// Splits a byte stream into complete lines, keeping a partial trailing line for the next chunk.
struct LineSplitter {
    private var pending: [UInt8] = []

    mutating func append(_ chunk: ByteBuffer) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        for byte in chunk.readableBytesView {
            if byte == UInt8(ascii: "\n") {
                if !pending.isEmpty { lines.append(pending) }
                pending.removeAll(keepingCapacity: true)
            } else {
                pending.append(byte)
            }
        }
        return lines
    }
}
