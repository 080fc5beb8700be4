import Foundation
import Lifecycle
import TestSupport
import Testing

@Suite(
    "DockerEngineRuntime exec against the real engine", .enabled(if: DockerFixture.enabled), .serialized,
    .tags(.docker), .outsideUnitLane
)
struct DockerEngineRuntimeExecTests {
    /// Creates a `sleep 3600` container from the test image, started unless told otherwise, and removes it after.
    static func withContainer(
        _ prefix: String, started: Bool = true, _ body: (DockerEngineRuntime, String) async throws -> Void
    ) async throws {
        try await DockerFixture.withRuntime { runtime in
            let name = DockerFixture.uniqueName(prefix)
            _ = try await runtime.create(
                ContainerSpec(name: name, image: DockerFixture.image, command: ["sleep", "3600"]))
            try await DockerFixture.removing([name], on: runtime) {
                if started { try await runtime.start(name) }
                try await body(runtime, name)
            }
        }
    }

    @Test func execReturnsTheExitCodeAndBothStreams() async throws {
        try await Self.withContainer("exec") { runtime, name in
            let script = #"echo out; echo err >&2; echo "$DORMOUSE_PAYLOAD"; exit 3"#
            let result = try await runtime.exec(
                name, ExecRequest(argv: ["sh", "-c", script], environment: ["DORMOUSE_PAYLOAD": "payload é"]))
            #expect(result.exitCode == 3)
            #expect(!result.outputTruncated)
            let lines = result.output.split(separator: "\n").sorted()
            #expect(lines == ["err", "out", "payload é"])
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func aCancelledExecTakesItsProcessesWithIt() async throws {
        try await Self.withContainer("exec-cancel") { runtime, name in
            var events = try await runtime.events(since: nil, actions: nil).makeAsyncIterator()
            let abandoned = Task {
                try await runtime.exec(name, ExecRequest(argv: ["sh", "-c", "sleep 4444 & sleep 5555"]))
            }
            // The engine reports the exec started; then the caller gives up on it (a timeout would).
            while let event = try await events.next() {
                // dockerd says `exec_start: sh -c …`, Podman `exec`.
                if case .other(let action) = event.action, action.hasPrefix("exec_start") || action == "exec",
                    event.containerName == name
                {
                    break
                }
            }
            abandoned.cancel()
            await #expect(throws: CancellationError.self) { try await abandoned.value }
            // A killed process left as a zombie has no command line; the pattern does not match its own grep.
            let left = try await runtime.exec(
                name, ExecRequest(argv: ["sh", "-c", "grep -l -e '4[4]44' -e '5[5]55' /proc/[0-9]*/cmdline"]))
            #expect(left.output == "", "still running: \(left.output)")
        }
    }

    /// The lifecycle's subscription asks the engine for the actions it reacts to only: an exec's three events
    /// (and a stop's `kill`) never reach Dormouse; subscribed without the filter, they do.
    @Test(.timeLimit(.minutes(1)))
    func theLifecycleStreamCarriesNoExecEvents() async throws {
        try await Self.withContainer("exec-quiet") { runtime, name in
            let lifecycle = try await runtime.events(since: nil)
            let everything = try await runtime.events(since: nil, actions: nil)
            _ = try await runtime.exec(name, ExecRequest(argv: ["true"]))
            try await runtime.stop(name, timeout: .seconds(1))
            #expect(try await Self.actions(of: name, in: lifecycle) == ["die"])
            let all = try await Self.actions(of: name, in: everything)
            // Podman says `exec_died`, and sends no `kill` for a stop (measured: `exec`, `exec_died`, `die`).
            let killed = DockerFixture.isPodman || all.contains("kill")
            #expect(all.contains { $0.hasPrefix("exec_die") } && killed, "\(all)")
        }
    }

    /// The container's actions up to its `die`, the others as the engine names them.
    static func actions(of name: String, in stream: AsyncThrowingStream<ContainerEvent, any Error>) async throws
        -> [String]
    {
        var actions: [String] = []
        for try await event in stream where event.containerName == name {
            switch event.action {
            case .die:
                actions.append("die")
                return actions
            case .other(let action): actions.append(action)
            default: actions.append("\(event.action)")
            }
        }
        return actions
    }

    @Test func aProgramThatDoesNotExistExitsWith126() async throws {
        try await Self.withContainer("exec-absent") { runtime, name in
            let result = try await runtime.exec(name, ExecRequest(argv: ["dormouse-no-such-program"]))
            // dockerd's runc reports 126 (found nothing to run); Podman reports 127, the shell's "not found".
            #expect(result.exitCode == (DockerFixture.isPodman ? 127 : 126))
            #expect(result.output.contains("executable file not found"))
        }
    }

    @Test func outputBeyondTheLimitIsDropped() async throws {
        try await Self.withContainer("exec-limit") { runtime, name in
            let request = ExecRequest(argv: ["sh", "-c", "yes | head -c 200000; echo done >&2"], outputLimit: 1000)
            let result = try await runtime.exec(name, request)
            #expect(result.exitCode == 0)
            #expect(result.outputTruncated)
            #expect(result.output.utf8.count == 1000)
            // The engine copies stdout and stderr on their own: the "done" line may be forwarded before the
            // stdout it followed (seen once in a clean-clone CI run), so it may lead the kept bytes.
            let kept = result.output.hasPrefix("done\n") ? String(result.output.dropFirst(5)) : result.output
            #expect(kept.hasPrefix("y\ny\n"))
        }
    }

    @Test func execInAStoppedOrPausedContainerIsAConflict() async throws {
        try await Self.withContainer("exec-stopped", started: false) { runtime, name in
            let stopped = await #expect(throws: ContainerRuntimeError.self) {
                try await runtime.exec(name, ExecRequest(argv: ["true"]))
            }
            #expect(stopped?.isConflict == true)
            // Podman: "can only create exec sessions on running containers: container state improper".
            let notRunning = DockerFixture.isPodman ? "on running containers" : "is not running"
            #expect(stopped?.message.contains(notRunning) == true)
            try await runtime.start(name)
            try await runtime.pause(name)
            let paused = await #expect(throws: ContainerRuntimeError.self) {
                try await runtime.exec(name, ExecRequest(argv: ["true"]))
            }
            #expect(paused?.isConflict == true)
            #expect(paused?.message.contains("paused") == true)
        }
    }

    @Test func execInAMissingContainerIsNotFound() async throws {
        try await DockerFixture.withRuntime { runtime in
            let missing = DockerFixture.uniqueName("exec-missing")
            let error = await #expect(throws: ContainerRuntimeError.self) {
                try await runtime.exec(missing, ExecRequest(argv: ["true"]))
            }
            #expect(error?.isNotFound == true)
            #expect(error?.message.localizedCaseInsensitiveContains("No such container") == true)
        }
    }

    @Test func cancellingTheCallerAbandonsTheWait() async throws {
        try await Self.withContainer("exec-cancel") { runtime, name in
            let started = ContinuousClock.now
            let call = Task { try await runtime.exec(name, ExecRequest(argv: ["sleep", "30"])) }
            try await Task.sleep(for: .milliseconds(500))
            call.cancel()
            let outcome = await call.result
            #expect(ContinuousClock.now - started < .seconds(10))
            #expect(throws: CancellationError.self) { try outcome.get() }
        }
    }

    @Test func inspectGivesTheAddressOfARunningContainer() async throws {
        try await Self.withContainer("exec-ip", started: false) { runtime, name in
            let created = try await runtime.inspect(name)
            #expect(created.ipAddress == nil)
            try await runtime.start(name)
            let running = try await runtime.inspect(name)
            let address = try #require(running.ipAddress)
            #expect(address.split(separator: ".").count == 4)
        }
    }
}
