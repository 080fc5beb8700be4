import Foundation
import TestSupport
import Testing

@testable import Lifecycle

@Suite("Ending an abandoned exec's process group")
struct ExecProcessGroupTests {
    static let container = String(repeating: "ab", count: 32)

    @Test func theGroupIsReadAfterTheLastParenthesisOfTheName() {
        #expect(ExecProcessGroup.processGroup(ofStat: "30370 (sleep) S 30265 30370 30370 0 -1") == 30370)
        #expect(ExecProcessGroup.processGroup(ofStat: "7 (a (b) c) R 1 42 7 0") == 42)
        #expect(ExecProcessGroup.processGroup(ofStat: "garbage") == nil)
    }

    @Test(.tags(.process), .outsideUnitLane) func aProcessOutsideTheContainersCgroupIsNeverSignalled() throws {
        // A real process of this host: the container's id is not in its cgroup, so it must be left running.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sleep")
        process.arguments = ["60"]
        try process.run()
        defer { process.terminate() }
        let pid = process.processIdentifier
        #expect(ExecProcessGroup.terminate(leader: pid, containerID: Self.container) == .notVisible)
        #expect(process.isRunning)
    }

    @Test func whatProcShowsDecidesTheOutcome() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("proc-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        func write(_ pid: Int32, stat: String, cgroup: String) throws {
            let directory = root.appendingPathComponent("\(pid)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try stat.write(to: directory.appendingPathComponent("stat"), atomically: true, encoding: .utf8)
            try cgroup.write(to: directory.appendingPathComponent("cgroup"), atomically: true, encoding: .utf8)
        }
        // Another container's process, and one of ours that is no longer its group's leader (a reused PID).
        try write(
            900_001, stat: "900001 (sh) S 1 900001 900001", cgroup: "0::/docker/\(String(repeating: "cd", count: 32))")
        try write(900_002, stat: "900002 (sh) S 1 77 77", cgroup: "0::/docker/\(Self.container)")
        #expect(
            ExecProcessGroup.terminate(leader: 900_001, containerID: Self.container, procRoot: root.path) == .notVisible
        )
        #expect(
            ExecProcessGroup.terminate(leader: 900_002, containerID: Self.container, procRoot: root.path) == .notVisible
        )
        #expect(ExecProcessGroup.terminate(leader: 900_003, containerID: Self.container, procRoot: root.path) == .gone)
        #expect(ExecProcessGroup.terminate(leader: 1, containerID: Self.container, procRoot: root.path) == .notVisible)
    }
}
