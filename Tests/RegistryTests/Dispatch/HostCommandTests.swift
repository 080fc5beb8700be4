import Foundation
import TestSupport
import Testing

@testable import Registry

#if canImport(Glibc)
    import Glibc
#endif

/// Host commands run as real processes: a clean environment, stdin, combined and capped output, exit codes,
/// a process group of their own killed on cancellation or when the leader exits, and no signal blocked.
@Suite("Host command", .tags(.process), .outsideUnitLane)
struct HostCommandTests {
    static let variables = ["DORMOUSE_PAYLOAD": "p", "DORMOUSE_TASK_ID": "t1", "DORMOUSE_AGENT": "a"]

    static func command(_ argv: String..., stdin: String = "") -> HostCommand {
        HostCommand(argv: argv, environment: variables, stdin: stdin)
    }

    @Test func itSeesOnlyPathAndTheTasksVariables() async throws {
        let result = try await Self.command("env").run(outputLimit: 65_536)
        let lines = Set(result.output.split(separator: "\n").map(String.init))
        #expect(
            lines == [
                "PATH=/usr/local/bin:/usr/bin:/bin", "DORMOUSE_PAYLOAD=p", "DORMOUSE_TASK_ID=t1", "DORMOUSE_AGENT=a",
            ])
        #expect(result.exitCode == 0)
    }

    @Test func itReadsThePayloadOnStdinAndCapturesStdoutAndStderrTogether() async throws {
        let result = try await Self.command("sh", "-c", "cat; echo err >&2", stdin: "hello ").run(outputLimit: 100)
        #expect(result.output == "hello err\n")
        #expect(!result.outputTruncated)
    }

    @Test func aCommandThatIgnoresALargePayloadStillSucceeds() async throws {
        // More than a pipe holds: the write fails once `true` has exited, and that is not the task's failure.
        let payload = String(repeating: "x", count: 200_000)
        let result = try await Self.command("true", stdin: payload).run(outputLimit: 100)
        #expect(result.exitCode == 0)
    }

    @Test(arguments: [
        (limit: 10, output: "0123456789", truncated: true), (limit: 12, output: "0123456789ab", truncated: false),
    ])
    func outputOverTheLimitIsCutAndReported(limit: Int, output: String, truncated: Bool) async throws {
        let result = try await Self.command("printf", "0123456789ab").run(outputLimit: limit)
        #expect(result.output == output)
        #expect(result.outputTruncated == truncated)
    }

    @Test func aLongOutputIsReadToItsEndAndCut() async throws {
        let result = try await Self.command("sh", "-c", "head -c 1000000 /dev/zero; echo end >&2").run(outputLimit: 5)
        #expect(result.output == String(repeating: "\0", count: 5))
        #expect(result.outputTruncated)
        #expect(result.exitCode == 0)
    }

    @Test(arguments: [("exit 3", 3), ("kill -TERM $$", Int(SIGTERM)), ("exit 0", 0)])
    func theExitCodeOrTheSignalIsReported(script: String, code: Int) async throws {
        let result = try await Self.command("sh", "-c", script).run(outputLimit: 100)
        #expect(result.exitCode == code)
    }

    @Test func anUnknownProgramExitsWith127AndSaysSo() async throws {
        let result = try await Self.command("no-such-program-dormouse").run(outputLimit: 1000)
        #expect(result.exitCode == 127)
        #expect(result.output == "/usr/bin/env: 'no-such-program-dormouse': No such file or directory\n")
    }

    @Test func itStartsWithNoSignalBlockedAndBrokenPipeAtItsDefault() async throws {
        // The threads of the cooperative pool block most signals; a shell spawned with that mask never saw its
        // child end (SIGCHLD blocked) and so never got past `wait`. The server ignores SIGPIPE; the command must
        // not inherit that.
        let script = "true & wait; grep -E '^Sig(Blk|Ign)' /proc/self/status"
        let result = try await Self.command("sh", "-c", script).run(outputLimit: 1000)
        let lines = result.output.split(separator: "\n")
        #expect(lines.first == "SigBlk:\t0000000000000000")
        let ignored = try #require(lines.last.flatMap { UInt64($0.dropFirst("SigIgn:\t".count), radix: 16) })
        #expect(ignored & (1 << (UInt64(SIGPIPE) - 1)) == 0, "SIGPIPE ignored: \(result.output)")
    }

    @Test func itLeadsAProcessGroupOfItsOwn() async throws {
        let result = try await Self.command("sh", "-c", "echo $$ $(ps -o pgid= -p $$)").run(outputLimit: 100)
        let ids = result.output.split(whereSeparator: \.isWhitespace)
        #expect(ids.count == 2 && ids[0] == ids[1], "pid and group: \(result.output)")
        #expect(ids.first.map(String.init) != String(getpgrp()))
    }

    @Test func cancellingItKillsItsWholeProcessGroup() async throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let pidFile = "\(folder)/pids"
        let running = Task {
            try await Self.command("sh", "-c", "sleep 300 & echo $$ $! > \(pidFile); wait").run(outputLimit: 100)
        }
        let pids = try #require(await Self.pids(in: pidFile))
        let guardFired = Self.killAfter(seconds: 30, pids)
        running.cancel()
        let outcome = await running.result
        guardFired.cancel()
        #expect(throws: CancellationError.self) { try outcome.get() }
        #expect(!guardFired.fired, "cancelling did not end the command")
        #expect(await Self.ends(pids[0]), "the shell \(pids[0]) is still running")
        #expect(await Self.ends(pids[1]), "its background child \(pids[1]) is still running")
    }

    @Test func aChildLeftInTheBackgroundEndsWithTheCommand() async throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let pidFile = "\(folder)/pids"
        // The child holds the output pipe: the command ends when the shell does, and takes the child with it.
        let running = Task {
            try await Self.command("sh", "-c", "sleep 300 & echo $$ $! > \(pidFile); echo started").run(
                outputLimit: 100)
        }
        let pids = try #require(await Self.pids(in: pidFile))
        let guardFired = Self.killAfter(seconds: 30, pids)
        let result = try await running.value
        guardFired.cancel()
        #expect(result.output == "started\n")
        #expect(result.exitCode == 0)
        #expect(!guardFired.fired, "the background child kept the command running")
        #expect(await Self.ends(pids[1]), "the background child \(pids[1]) outlived the command")
    }

    @Test func waitingCommandsLeaveTheCooperativePoolFree() async throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let go = "\(folder)/go"
        // More commands than the pool has threads, each waiting for a file this test task creates once all have
        // started: were a thread blocked per command, this task could not run, and only the watchdog (on a
        // Dispatch thread) would create the file.
        let watchdog = Watchdog(seconds: 30) { _ = FileManager.default.createFile(atPath: go, contents: nil) }
        let count = 6
        let runs = (0..<count).map { index in
            Task {
                let script = "echo $$ $$ > \(folder)/\(index); while [ ! -e \(go) ]; do sleep 0.02; done"
                return try await Self.command("sh", "-c", script).run(outputLimit: 100)
            }
        }
        var started = 0
        for index in 0..<count where await Self.pids(in: "\(folder)/\(index)") != nil { started += 1 }
        #expect(started == count)
        _ = FileManager.default.createFile(atPath: go, contents: nil)
        for run in runs { #expect(try await run.value.exitCode == 0) }
        watchdog.cancel()
        #expect(!watchdog.fired, "the commands held the cooperative pool")
    }
}
