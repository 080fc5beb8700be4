import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Watching the real processes a host command starts.
extension HostCommandTests {
    static func temporaryFolder() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dormouse-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.path
    }

    /// The two pids the command wrote to `path`; waits (bounded) for the file, since the command runs on its own
    /// schedule.
    static func pids(in path: String) async -> [pid_t]? {
        for _ in 0..<600 {
            if let text = try? String(contentsOfFile: path, encoding: .utf8), text.hasSuffix("\n") {
                let numbers = text.split(whereSeparator: \.isWhitespace).compactMap { pid_t($0) }
                if numbers.count == 2 { return numbers }
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    /// Kills `pids` after `seconds` unless cancelled first, recording that it had to: a test of something that
    /// used to hang fails instead of hanging.
    static func killAfter(seconds: Int, _ pids: [pid_t]) -> Watchdog {
        Watchdog(seconds: seconds) {
            for pid in pids { kill(pid, SIGKILL) }
        }
    }

    /// Whether the process has ended, allowing it a moment to die after a SIGKILL.
    static func ends(_ pid: pid_t) async -> Bool {
        for _ in 0..<100 {
            if isGone(pid) { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    /// Whether the process has ended: no `/proc` entry, or a zombie no one has reaped yet.
    static func isGone(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let end = stat.lastIndex(of: ")")
        else { return true }
        return stat[stat.index(after: end)...].split(separator: " ").first == "Z"
    }
}

/// Ends what a test started if it still runs after a bound, and tells whether it had to. It runs on a
/// Dispatch thread, not the cooperative pool, so it fires even when the pool's threads are all blocked.
final class Watchdog: Sendable {
    private let firedFlag = Mutex(false)
    private let cancelled = Mutex(false)

    init(seconds: Int, action: @escaping @Sendable () -> Void) {
        DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(seconds)) { [self] in
            guard !cancelled.withLock({ $0 }) else { return }
            firedFlag.withLock { $0 = true }
            action()
        }
    }

    var fired: Bool { firedFlag.withLock { $0 } }

    func cancel() {
        cancelled.withLock { $0 = true }
    }
}
