import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// `exec`: create an exec instance, read its output until it exits, then read its exit code.
extension DockerEngineRuntime {
    /// How often an exec is re-read for what the engine records a moment late (its exit code, its PID), and
    /// the pause between reads.
    static let execPolls = (attempts: 10, pause: Duration.milliseconds(50))

    package func exec(_ container: String, _ request: ExecRequest) async throws -> ExecResult {
        let create = DockerEngineModels.ExecCreate(
            cmd: request.argv,
            env: request.environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })
        let (status, body) = try await self.request(
            .POST, "/containers/\(Self.percentEncoded(container))/exec", json: create)
        guard status == 201 else { throw quirks.refusal(Self.error(status: status, body: body), status: status) }
        let id = try Self.decode(DockerEngineModels.Created.self, from: body).id
        let output: DockerStreamDemultiplexer
        do {
            output = try await readOutput(ofExec: id, limit: request.outputLimit)
        } catch is CancellationError {
            // A task that timed out or was interrupted: its process must not run on. The cancelled task cannot
            // make requests of its own, so an unstructured one (not cancelled) ends it and is awaited.
            await Task { await self.endAbandoned(exec: id) }.value
            throw CancellationError()
        }
        let exitCode = try await exitCode(ofExec: id)
        return ExecResult(exitCode: exitCode, output: output.output, outputTruncated: output.truncated)
    }

    /// Kills the process group of an exec nobody waits for any more, when this host can see it.
    private func endAbandoned(exec id: String) async {
        var metadata: Logger.Metadata = ["exec.id": "\(id)"]
        do {
            guard let (pid, container) = try await process(ofExec: id) else { return }
            metadata["exec.pid"] = "\(pid)"
            switch ExecProcessGroup.terminate(leader: pid, containerID: container) {
            case .killed:
                logger.info("abandoned exec killed", metadata: metadata)
            case .gone:
                break
            case .notVisible:
                logger.warning(
                    "an abandoned exec runs on: its process is not visible from this host", metadata: metadata)
            }
        } catch {
            metadata["error"] = "\(error)"
            logger.warning("an abandoned exec runs on: the engine could not be asked for it", metadata: metadata)
        }
    }

    /// The host PID and container of a running exec; nil once it has ended. Just after it starts, the engine
    /// can report it running before it knows the PID, so that is re-read.
    private func process(ofExec id: String) async throws -> (pid: Int32, container: String)? {
        let polls = Self.execPolls
        for attempt in 1...polls.attempts {
            let inspect = try await inspect(exec: id)
            guard inspect.running, let container = inspect.containerID else { return nil }
            if let pid = inspect.pid, pid > 0 { return (pid, container) }
            if attempt < polls.attempts { try await Task.sleep(for: polls.pause) }
        }
        throw ContainerRuntimeError.invalidResponse("exec \(id) runs but the engine names no process for it")
    }

    /// Starts the exec attached and reads its multiplexed output until the engine closes the connection.
    ///
    /// The engine hijacks the connection: a 200 head with neither length nor chunking, then raw frames until
    /// the process exits. The timeout covers only that head, which comes before the process runs (AsyncHTTPClient
    /// drops its deadline once the head is in); the body is read for as long as the process writes, and
    /// cancelling the task closes the connection.
    private func readOutput(ofExec id: String, limit: Int) async throws -> DockerStreamDemultiplexer {
        let body = ByteBuffer(bytes: try JSONEncoder().encode(DockerEngineModels.ExecStart()))
        let url = try await versionedURL("/exec/\(Self.percentEncoded(id))/start", query: [])
        var demultiplexer = DockerStreamDemultiplexer(limit: limit)
        do {
            let response = try await client.execute(
                prepare(.POST, url, body: body), timeout: .seconds(30), logger: logger)
            guard response.status == .ok else {
                let answer = try await response.body.collect(upTo: 1024 * 1024)
                throw Self.startError(status: Int(response.status.code), body: answer)
            }
            for try await chunk in response.body { try demultiplexer.append(chunk) }
            // A cancelled body may end like a finished one; the output is then not the whole output.
            try Task.checkCancellation()
        } catch {
            throw streamFailure(error)
        }
        guard demultiplexer.isAtFrameBoundary else {
            throw ContainerRuntimeError.invalidResponse("the output of exec \(id) ended inside a frame")
        }
        return demultiplexer
    }

    /// The exit code. The engine can record it a moment after the output ends, so a running exec is re-read.
    private func exitCode(ofExec id: String) async throws -> Int {
        let polls = Self.execPolls
        for attempt in 1...polls.attempts {
            let inspect = try await inspect(exec: id)
            if !inspect.running, let exitCode = inspect.exitCode { return exitCode }
            if attempt < polls.attempts { try await Task.sleep(for: polls.pause) }
        }
        throw ContainerRuntimeError.invalidResponse("exec \(id) ended its output but still runs")
    }

    private func inspect(exec id: String) async throws -> DockerEngineModels.ExecInspect {
        let (status, body) = try await request(.GET, "/exec/\(Self.percentEncoded(id))/json")
        guard status == 200 else { throw Self.error(status: status, body: body) }
        return try Self.decode(DockerEngineModels.ExecInspect.self, from: body)
    }

    /// A refused start. 404 (the exec instance is gone) means the container stopped since the exec was created.
    static func startError(status: Int, body: ByteBuffer) -> ContainerRuntimeError {
        let error = Self.error(status: status, body: body)
        return status == 404 || status == 409 ? .conflict(error.message) : error
    }

    /// Keeps the runtime's own errors and cancellation; anything else is the engine going away.
    private func streamFailure(_ error: any Error) -> any Error {
        if error is ContainerRuntimeError { return error }
        if Task.isCancelled { return CancellationError() }
        return unreachable(error)
    }
}
