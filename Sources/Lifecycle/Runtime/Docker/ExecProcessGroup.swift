import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Ends the process group of an abandoned Docker exec, seen from this host through `/proc`.
///
/// The Engine API cannot kill an exec, but it reports the exec's host PID, and the engine starts every exec
/// as the leader of a session and process group of its own. Dormouse kills that group only after checking,
/// in `/proc/<pid>`, that the process is still the group's leader and lives in the container's cgroup: a
/// PID from another PID namespace (Dormouse itself in a container) or one reused since is never signalled.
package enum ExecProcessGroup {
    package enum Outcome: Sendable, Hashable {
        /// The group was sent SIGKILL.
        case killed
        /// The process no longer exists.
        case gone
        /// `/proc/<pid>` is not that exec's process as far as this host can tell, or it may not be signalled.
        case notVisible
    }

    /// Sends SIGKILL to the process group `leader` leads, if it runs in the container `containerID` (full id).
    package static func terminate(leader: Int32, containerID: String, procRoot: String = "/proc") -> Outcome {
        guard leader > 1, containerID.count >= 12 else { return .notVisible }
        let directory = "\(procRoot)/\(leader)"
        guard let stat = try? String(contentsOfFile: "\(directory)/stat", encoding: .utf8) else { return .gone }
        guard let cgroup = try? String(contentsOfFile: "\(directory)/cgroup", encoding: .utf8),
            cgroup.contains(containerID), processGroup(ofStat: stat) == leader
        else { return .notVisible }
        if kill(-leader, SIGKILL) == 0 { return .killed }
        return errno == ESRCH ? .gone : .notVisible
    }

    /// The process group id from a `/proc/<pid>/stat` line: the fifth field, counted after the `)` that ends
    /// the command name (which may itself hold spaces and parentheses).
    static func processGroup(ofStat stat: String) -> Int32? {
        guard let end = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: end)...].split(separator: " ")
        // After the name: state, ppid, pgrp.
        guard fields.count > 2 else { return nil }
        return Int32(fields[2])
    }
}
