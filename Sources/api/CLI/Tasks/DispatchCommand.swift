import ArgumentParser
import DormouseClient
import Registry

/// `dormouse dispatch NAME PAYLOAD`: sends a task to an agent, optionally waiting for its result.
struct DispatchCommand: ServerCommand {
    static let configuration = CommandConfiguration(
        commandName: "dispatch",
        abstract: "Send a task to an agent; with --wait, show its result.",
        discussion: """
            The payload is parsed as JSON when it is valid JSON and sent as a JSON string otherwise; - reads \
            it from standard input. With --wait the server answers when the task has finished, waking a \
            stopped worker (or thawing a paused one) first; on a terminal a progress line shows the time elapsed. A waited-for task that \
            failed or timed out exits 2.

            Example:
              dormouse dispatch coder-1 '{"repo": "x", "issue": 12}' --wait
              dormouse dispatch coder-1 "fix the build"
              cat task.json | dormouse dispatch coder-1 - --wait --json

            \(CLIExitCode.summary)
            """
    )

    @OptionGroup var server: ClientOptions

    @Argument(help: "The agent's name.")
    var name: String

    @Argument(help: "The payload: JSON, else a string; - for standard input.")
    var payload: String

    @Flag(help: "Wait for the task to finish and show its result.")
    var wait = false

    func run(client: ServerClient, output: CLIOutput) async throws {
        let body = JSONValue.object(["payload": try readPayload()])
        let path = "/agents/\(ServerClient.escape(name))/tasks" + (wait ? "?wait=true" : "")
        let reply: ServerClient.Reply
        if wait, output.errorIsTerminal {
            let label = try await progressLabel(client)
            reply = try await DispatchProgress.showing(label, on: output) {
                try await client.send(.post, path, json: body, timeout: .seconds(86_400))
            }
        } else {
            reply = try await client.send(.post, path, json: body, timeout: .seconds(86_400))
        }
        try show(reply, output)
    }

    private func readPayload() throws -> JSONValue {
        guard payload == "-" else { return try CLIInput.payload(payload) }
        var text = String(decoding: try CLIInput.data("-"), as: UTF8.self)
        if text.hasSuffix("\n") { text.removeLast() }
        return try CLIInput.payload(text)
    }

    /// "waking NAME" when its container is stopped (a cold start is coming), "resuming NAME" when it is paused (a
    /// thaw of milliseconds is coming: a paused worker is not cold), else "waiting for NAME".
    static func progressLabel(name: String, lifecycleState: String?) -> String {
        switch lifecycleState {
        case "stopped": "waking \(name)"
        case "paused", "pausing", "resuming": "resuming \(name)"
        default: "waiting for \(name)"
        }
    }

    private func progressLabel(_ client: ServerClient) async throws -> String {
        let agent = try await client.send(.get, "/agents/\(ServerClient.escape(name))").json
        return Self.progressLabel(name: name, lifecycleState: agent.field("state").field("lifecycle_state").stringValue)
    }

    private func show(_ reply: ServerClient.Reply, _ output: CLIOutput) throws {
        let task = reply.json
        if output.json {
            output.json(reply.body)
        } else if wait {
            output.line(TaskFormat.details(task, color: output.color))
        } else {
            output.line(
                "queued task \(task.field("id").cell) for \(name) (dormouse tasks show \(task.field("id").cell))")
        }
        let status = task.field("status").cell
        if wait, status != "succeeded" {
            throw CLIError.taskDidNotSucceed("task \(task.field("id").cell) \(status)")
        }
    }
}
