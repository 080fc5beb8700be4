import AsyncHTTPClient
import Lifecycle
import Logging

/// Hands a task to its worker and reads the result: Docker exec in the container, an HTTP POST to the
/// container, or a command on the host.
///
/// The payload reaches the worker as `DORMOUSE_PAYLOAD` (a JSON string payload as the bare string, any other
/// value as compact JSON), with `DORMOUSE_TASK_ID` and `DORMOUSE_AGENT`; host commands also get it on stdin
/// and HTTP workers as the request body; a host command gets only these and a fixed `PATH`. Cancelling the
/// calling task abandons the delivery (a host command's whole process group is killed).
package struct WorkerDelivery: Sendable {
    /// What came back from the worker.
    package struct Result: Sendable, Hashable {
        package var exitCode: Int?
        package var httpStatus: Int?
        package var output: String
        package var outputTruncated: Bool

        /// Exit code 0 or an HTTP 2xx.
        package var succeeded: Bool {
            if let exitCode { return exitCode == 0 }
            if let httpStatus { return (200..<300).contains(httpStatus) }
            return false
        }
    }

    /// The most output kept per task.
    package static let outputLimit = 65_536
    /// The largest payload an exec or command worker takes: Linux refuses longer environment strings.
    package static let environmentPayloadLimit = 128 * 1024 - 64

    let httpClient: HTTPClient
    let logger: Logger
    /// How long an `http` worker that cannot be reached yet is tried again (see `sendRetryingUnreached`).
    let reachWindow: Duration

    package init(httpClient: HTTPClient, logger: Logger, reachWindow: Duration = .seconds(30)) {
        self.httpClient = httpClient
        self.logger = logger
        self.reachWindow = reachWindow
    }

    /// Delivers `task` to `agent`'s worker; `worker` is where a container agent's running worker is reached.
    func deliver(_ task: TaskRecord, to agent: AgentDefinition, worker: WorkerReach?) async throws -> Result {
        let payload = task.payload.workerText
        let environment = [
            "DORMOUSE_PAYLOAD": payload, "DORMOUSE_TASK_ID": task.id, "DORMOUSE_AGENT": agent.name,
        ]
        switch agent.dispatch {
        case .exec(let argv, _):
            let worker = try Self.required(worker, for: agent)
            let request = ExecRequest(argv: argv, environment: environment, outputLimit: Self.outputLimit)
            let result = try await worker.engine().exec(worker.container, request)
            return Result(exitCode: result.exitCode, output: result.output, outputTruncated: result.outputTruncated)
        case .http(let port, let path, _):
            return try await post(task, to: try Self.required(worker, for: agent), port: port, path: path)
        case .command(let argv, _):
            return try await HostCommand(argv: argv, environment: environment, stdin: payload)
                .run(outputLimit: Self.outputLimit)
        }
    }

    private static func required(_ worker: WorkerReach?, for agent: AgentDefinition) throws -> WorkerReach {
        guard let worker else {
            throw ContainerRuntimeError.notFound("agent \(agent.name) has no worker to send the task to")
        }
        return worker
    }

    /// Checks that the payload can be handed to this agent's kind of worker.
    static func payloadProblem(_ payload: JSONValue, for agent: AgentDefinition) -> String? {
        switch agent.dispatch {
        case .exec, .command:
            let size = payload.workerText.utf8.count
            guard size > environmentPayloadLimit else { return nil }
            return
                "payload of \(size) bytes is over the \(environmentPayloadLimit)-byte limit of \(agent.dispatch.type) workers"
        case .http:
            return nil
        }
    }
}
