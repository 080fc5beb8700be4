import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The Swarm service calls Dormouse makes, over a `DockerEngineRuntime`'s connection to a manager node.
///
/// - Only a manager answers service calls: `isManager()` says whether this engine is one, and a refusal by a
///   worker (or by an engine outside any swarm) is reported as such.
/// - A missing service throws `ContainerRuntimeError` `.notFound`; an unreachable engine `.engineUnavailable`;
///   every other refusal carries the engine's own message.
/// - `scale` changes the replica count and nothing else of the service (an operator's spec is theirs).
package struct SwarmServices: Sendable {
    package let engine: DockerEngineRuntime
    /// How many times `scale` tries its update when other writers keep changing the service in between.
    package let updateAttempts: Int

    package init(engine: DockerEngineRuntime, updateAttempts: Int = 5) {
        self.engine = engine
        self.updateAttempts = max(1, updateAttempts)
    }

    /// The service whose name or full id is `service`.
    package func inspect(_ service: String) async throws -> SwarmService {
        let (status, body) = try await engine.request(.GET, "/services/\(DockerEngineRuntime.percentEncoded(service))")
        guard status == 200 else { throw Self.error(status: status, body: body) }
        let found = try SwarmService(json: Data(body.readableBytesView))
        // The engine also matches an id prefix: a missing service named `a1` would be found as the one whose id
        // starts with a1, and Dormouse would scale a stranger.
        guard found.name == service || found.id == service else {
            throw ContainerRuntimeError.notFound(
                "service \(service) not found (the engine matched service \(found.name) by a prefix of its id)")
        }
        return found
    }

    /// Sets the service's replica count, sending back its full spec as read with only `Mode.Replicated.Replicas`
    /// changed. Nothing is sent when the count already is `replicas`. A write that lost a race with another
    /// writer (`update out of sequence`) is retried on a fresh read, up to `updateAttempts` times in all. A
    /// service that is not replicated (global mode, jobs) is refused with `.notManaged`.
    ///
    /// `afterRead` runs between each read and its update; tests use it to provoke `update out of sequence`.
    package func scale(
        _ service: String, to replicas: Int,
        afterRead: @Sendable (SwarmService) async throws -> Void = { _ in }
    ) async throws {
        precondition(replicas >= 0, "a replica count is never negative")
        var attempt = 1
        while true {
            let current = try await inspect(service)
            let spec = try current.spec(withReplicas: replicas)
            guard current.replicas != replicas else { return }
            try await afterRead(current)
            do {
                try await update(current, spec: spec)
                return
            } catch let error as ContainerRuntimeError where Self.isOutOfSequence(error) && attempt < updateAttempts {
                attempt += 1
            }
        }
    }

    /// Removes a service Dormouse created (one already gone is not an error); its tasks' containers go with it.
    package func remove(_ service: String) async throws {
        let (status, body) = try await engine.request(
            .DELETE, "/services/\(DockerEngineRuntime.percentEncoded(service))")
        guard status == 200 || status == 404 else { throw Self.error(status: status, body: body) }
    }

    /// Whether this engine is a swarm manager that can take service calls (`GET /info`: `Swarm.ControlAvailable`
    /// on a node in state `active`).
    package func isManager() async throws -> Bool {
        try await swarmInfo().isManager
    }

    /// Throws a clear error unless this engine is a swarm manager: a worker, or an engine outside any swarm,
    /// cannot take service calls.
    package func requireManager() async throws {
        let info = try await swarmInfo()
        if let refusal = info.refusal { throw ContainerRuntimeError.engine(status: 503, message: refusal) }
    }

    private func update(_ service: SwarmService, spec: Data) async throws {
        let (status, body) = try await send(
            "/services/\(DockerEngineRuntime.percentEncoded(service.id))/update",
            query: [("version", "\(service.version)")], json: spec)
        guard status == 200 else { throw Self.error(status: status, body: body) }
    }

    /// POSTs `json` as it is: `DockerEngineRuntime.request` would re-encode a Codable value, and a service spec
    /// read as a raw tree must go back with every field it had.
    func send(_ path: String, query: [(String, String)] = [], json: Data) async throws -> (
        status: Int, body: ByteBuffer
    ) {
        let url = try await engine.versionedURL(path, query: query)
        let response: HTTPClientResponse
        do {
            response = try await engine.client.execute(
                engine.prepare(.POST, url, body: ByteBuffer(bytes: json)), timeout: .seconds(30), logger: engine.logger)
        } catch {
            throw engine.unreachable(error)
        }
        return (Int(response.status.code), try await response.body.collect(upTo: 1024 * 1024))
    }

    /// This engine's node id in its swarm; nil when it is in none.
    package func nodeID() async throws -> String? {
        try await swarmInfo().nodeID
    }

    private func swarmInfo() async throws -> SwarmNodeInfo {
        let (status, body) = try await engine.request(.GET, "/info")
        guard status == 200 else { throw DockerEngineRuntime.error(status: status, body: body) }
        let info = try DockerEngineRuntime.decode(SwarmEngineModels.Info.self, from: body)
        return SwarmNodeInfo(
            nodeID: info.swarm?.nodeID.flatMap { $0.isEmpty ? nil : $0 },
            localNodeState: info.swarm?.localNodeState ?? "inactive",
            controlAvailable: info.swarm?.controlAvailable ?? false)
    }

    /// Whether the engine refused an update because the service changed since it was read.
    static func isOutOfSequence(_ error: ContainerRuntimeError) -> Bool {
        error.message.contains("update out of sequence")
    }

    /// The engine's refusal as a `ContainerRuntimeError`; a non-manager's 503 says what is wrong in plain words.
    static func error(status: Int, body: ByteBuffer) -> ContainerRuntimeError {
        let error = DockerEngineRuntime.error(status: status, body: body)
        guard status == 503, error.message.contains("not a swarm manager") else { return error }
        if error.message.contains("Worker nodes") {
            return .engine(
                status: status,
                message: "this engine is a swarm worker; service calls need a manager (\(error.message))")
        }
        return .engine(
            status: status,
            message: "this engine is not part of a swarm; service calls need a manager (\(error.message))")
    }
}
