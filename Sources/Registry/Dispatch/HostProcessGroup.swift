import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The process group a host command leads: killed as a whole on cancellation, and what is left of it once the
/// leader has exited.
///
/// Only used while the leader is not yet reaped (inside swift-subprocess's body closure): its pid, and so the
/// group id, cannot name another process or group until then.
final class HostProcessGroup: Sendable {
    private let leader: pid_t
    /// Set once the output has ended: the group is then left alone, since the leader is about to be reaped.
    private let finished = Mutex(false)

    init(leader: pid_t) {
        self.leader = leader
    }

    /// Sends SIGKILL to every process of the group: the command and whatever it started in the background.
    func kill() {
        finished.withLock { finished in
            guard !finished else { return }
            signalGroup()
        }
    }

    /// The output has ended: if the leader has exited (whatever still held the pipe was a background child, or
    /// swift-subprocess stopped reading when the leader exited), the rest of its group is killed; then the group
    /// is left alone.
    func outputEnded() {
        finished.withLock { finished in
            guard !finished else { return }
            finished = true
            if leaderHasExited { signalGroup() }
        }
    }

    /// Whether the leader has exited, without reaping it (swift-subprocess does).
    private var leaderHasExited: Bool {
        var info = siginfo_t()
        let status = waitid(P_PID, id_t(leader), &info, WEXITED | WNOHANG | WNOWAIT)
        return status == 0 && info.si_signo == SIGCHLD
    }

    private func signalGroup() {
        guard leader > 1 else { return }
        _ = Glibc.kill(-leader, SIGKILL)
    }
}
