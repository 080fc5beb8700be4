import ArgumentParser
import DormouseClient
import Registry

/// The agent fields `agents create` and `agents update` take as flags (or whole from `--file`).
struct AgentFlags: ParsableArguments {
    @Option(help: "container or host (create: container, or host with --host-command).")
    var mode: String?

    @Option(help: "lazy or hot (container mode).")
    var lifecycle: String?

    @Option(help: "An image Dormouse creates the container from.")
    var image: String?

    @Option(name: .customLong("container"), help: "An existing container to start and stop, by name.")
    var containerName: String?

    @Option(parsing: .upToNextOption, help: "The container's command (repeatable, or several words).")
    var command: [String] = []

    @Option(help: ArgumentHelp("A container environment variable (repeatable).", valueName: "K=V"))
    var env: [String] = []

    @Option(help: "The engine the container is on, a name from DORMOUSE_ENGINES (default: local).")
    var engine: String?

    @Option(help: "Swarm: an existing service (labelled dev.dormouse.enable=true) to scale, in place of a container.")
    var swarmService: String?

    @Option(help: "Swarm: an image Dormouse creates a service from, in place of a container.")
    var swarmImage: String?

    @Option(parsing: .upToNextOption, help: "Swarm: the service's command (with --swarm-image).")
    var swarmCommand: [String] = []

    @Option(help: ArgumentHelp("Swarm: a service environment variable (repeatable).", valueName: "K=V"))
    var swarmEnv: [String] = []

    @Option(help: "Seconds without tasks before a lazy container is stopped.")
    var idleTimeout: Int?

    @Option(
        help: ArgumentHelp(
            "Seconds without tasks before a lazy container is paused (frozen, memory kept; woken in milliseconds), "
                + "then stopped at --idle-timeout; less than it. Not for hot, host-mode or Swarm agents."))
    var pauseAfter: Int?

    @Flag(help: "Never pause the container: stop it at --idle-timeout only (removes pause_after_s).")
    var noPause = false

    @Option(help: "Seconds a container may take to become ready.")
    var startTimeout: Int?

    @Option(help: "Tasks run at the same time.")
    var maxConcurrency: Int?

    @Option(help: "Tasks that may wait for a free slot.")
    var maxQueue: Int?

    @Option(
        parsing: .upToNextOption,
        help: ArgumentHelp(
            "Dispatch by docker exec of ARG... (an argument starting with - as --exec=-c).", valueName: "arg"))
    var exec: [String] = []

    @Option(help: "Dispatch by POSTing the payload to this port of the worker.")
    var httpPort: Int?

    @Option(help: "The path for --http-port (default /).")
    var httpPath: String?

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Host mode: run ARG... on this host.", valueName: "arg"))
    var hostCommand: [String] = []

    @Option(help: "Seconds a task may run before it is timed_out.")
    var timeout: Int?

    @Option(help: ArgumentHelp("The agent as JSON instead of flags (- for standard input).", valueName: "path"))
    var file: String?

    var containerGiven: Bool { image != nil || containerName != nil || !command.isEmpty || !env.isEmpty }
    var swarmGiven: Bool { swarmService != nil || swarmImage != nil || !swarmCommand.isEmpty || !swarmEnv.isEmpty }
    var dispatchGiven: Bool {
        !exec.isEmpty || httpPort != nil || httpPath != nil || !hostCommand.isEmpty || timeout != nil
    }
    private var anyFieldGiven: Bool {
        mode != nil || lifecycle != nil || containerGiven || swarmGiven || engine != nil || dispatchGiven
            || idleTimeout != nil || pauseAfter != nil || noPause
            || startTimeout != nil || maxConcurrency != nil || maxQueue != nil
    }

    func validate() throws {
        if file != nil, anyFieldGiven { throw ValidationError("--file takes the whole agent; give no other fields") }
        let types = [!exec.isEmpty, httpPort != nil, !hostCommand.isEmpty].filter { $0 }.count
        if types > 1 { throw ValidationError("give only one of --exec, --http-port and --host-command") }
        if httpPath != nil, !exec.isEmpty || !hostCommand.isEmpty {
            throw ValidationError("--http-path goes with --http-port")
        }
        for pair in env where !pair.contains("=") { throw ValidationError("--env takes K=V, got \"\(pair)\"") }
        for pair in swarmEnv where !pair.contains("=") {
            throw ValidationError("--swarm-env takes K=V, got \"\(pair)\"")
        }
        if containerGiven, swarmGiven { throw ValidationError("give container flags or --swarm-* flags, not both") }
        if pauseAfter != nil, noPause { throw ValidationError("give --pause-after or --no-pause, not both") }
        if swarmService != nil, swarmImage != nil {
            throw ValidationError("give --swarm-service or --swarm-image, not both")
        }
    }

    /// The fields given, as a JSON object; `current` (the stored agent, for an update) supplies the rest of
    /// a container or dispatch block a flag changes, since a merge patch replaces those blocks whole.
    func fields(current: JSONValue? = nil) throws -> [String: JSONValue] {
        if let file { return try CLIInput.object(file) }
        var fields: [String: JSONValue] = [:]
        if let mode { fields["mode"] = .string(mode) }
        if let lifecycle { fields["lifecycle"] = .string(lifecycle) }
        let numbers = [
            ("idle_timeout_s", idleTimeout), ("pause_after_s", pauseAfter), ("start_timeout_s", startTimeout),
            ("max_concurrency", maxConcurrency), ("max_queue", maxQueue),
        ]
        for case (let key, let value?) in numbers { fields[key] = .integer(Int64(value)) }
        if noPause { fields["pause_after_s"] = .null }
        if let engine { fields["engine"] = .string(engine) }
        if containerGiven {
            fields["container"] = .object(container(base: current?.field("container")))
            if let swarm = current?.field("swarm"), !swarm.isNull { fields["swarm"] = .null }
        }
        if swarmGiven {
            fields["swarm"] = .object(swarm(base: current?.field("swarm")))
            if let container = current?.field("container"), !container.isNull { fields["container"] = .null }
        }
        if dispatchGiven { fields["dispatch"] = .object(try dispatch(base: current?.field("dispatch"))) }
        return fields
    }

    private func container(base: JSONValue?) -> [String: JSONValue] {
        var block = Self.withoutNulls(base)
        if let image { block["image"] = .string(image) }
        if let containerName { block["name"] = .string(containerName) }
        if !command.isEmpty { block["command"] = .array(command.map(JSONValue.string)) }
        if !env.isEmpty {
            var variables = Self.withoutNulls(block["env"])
            for pair in env {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                variables[String(parts[0])] = .string(parts.count > 1 ? String(parts[1]) : "")
            }
            block["env"] = .object(variables)
        }
        return block
    }

    /// The swarm block: a service or an image replaces the other (a block names one of them).
    private func swarm(base: JSONValue?) -> [String: JSONValue] {
        var block = Self.withoutNulls(base)
        if let swarmService {
            block = ["service": .string(swarmService)]
        }
        if let swarmImage {
            block["service"] = nil
            block["image"] = .string(swarmImage)
        }
        if !swarmCommand.isEmpty { block["command"] = .array(swarmCommand.map(JSONValue.string)) }
        if !swarmEnv.isEmpty {
            var variables = Self.withoutNulls(block["env"])
            for pair in swarmEnv {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                variables[String(parts[0])] = .string(parts.count > 1 ? String(parts[1]) : "")
            }
            block["env"] = .object(variables)
        }
        return block
    }

    private func dispatch(base: JSONValue?) throws -> [String: JSONValue] {
        let type = dispatchType
        let current = Self.withoutNulls(base)
        var block = type == nil || current["type"]?.stringValue == type ? current : [:]
        guard let type = type ?? block["type"]?.stringValue else {
            throw ValidationError("--timeout needs --exec, --http-port or --host-command")
        }
        block["type"] = .string(type)
        if !exec.isEmpty { block["argv"] = .array(exec.map(JSONValue.string)) }
        if !hostCommand.isEmpty { block["argv"] = .array(hostCommand.map(JSONValue.string)) }
        if let httpPort { block["port"] = .integer(Int64(httpPort)) }
        if let httpPath { block["path"] = .string(httpPath) }
        if let timeout { block["timeout_s"] = .integer(Int64(timeout)) }
        return block
    }

    /// The dispatch type the flags name, if any.
    private var dispatchType: String? {
        if !exec.isEmpty { return "exec" }
        if httpPort != nil || httpPath != nil { return "http" }
        return hostCommand.isEmpty ? nil : "command"
    }

    private static func withoutNulls(_ value: JSONValue?) -> [String: JSONValue] {
        guard case .object(let object)? = value else { return [:] }
        return object.dictionary.filter { $0.value != .null }
    }
}
