import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Appends Claude Code lines to `sessions` transcripts from one thread, and notes when each line was written.
/// Every line carries a token `tk-<session>-<line>` that the status text shows (a user prompt first, then
/// assistant text), so its first appearance in a request to the chat server can be found.
///
/// Each session gets a line every `interval` ± 20 % (uniformly random), starting at a random phase, so the
/// lines do not arrive in lock-step with the throttle's edits. Only the writer thread touches the state until
/// `run` returns.
final class SessionWriter: @unchecked Sendable {
    let directory: String
    let sessions: Int
    let interval: Duration
    let duration: Duration
    /// Room for each session's lines: more than the shortest interval allows in `duration`.
    let rounds: Int
    /// Wall-clock seconds since 1970 when line `round` of session `s` was written: `[s * rounds + round]`;
    /// 0 when it was not written.
    private(set) var writtenAt: [Double]
    private var descriptors: [Int32] = []
    private let timestamps = ISO8601DateFormatter()

    /// The first group of every session id: fixed for a fresh fake, random against a server that keeps history
    /// (the relay would otherwise find an earlier run's posts by their markers).
    let runID: String

    init(directory: String, sessions: Int, interval: Duration, duration: Duration, runID: String = "b3nch000") {
        self.directory = directory
        self.runID = runID
        self.sessions = sessions
        self.interval = interval
        self.duration = duration
        self.rounds = Int(duration / (interval * 0.8)) + 2
        self.writtenAt = Array(repeating: 0, count: sessions * rounds)
    }

    func sessionID(_ session: Int) -> String { runID + String(format: "-0000-4000-8000-%012d", session) }

    /// Creates every transcript, empty (the watcher sees new sessions appear while it runs).
    func createFiles() throws {
        descriptors = try (0..<sessions).map { session in
            let path = "\(directory)/\(sessionID(session)).jsonl"
            let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { throw BenchmarkError("cannot create \(path)") }
            return descriptor
        }
    }

    /// Writes every round on a thread of its own; returns when the last line is written.
    func run() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let thread = Thread { [self] in
                self.writeAll()
                continuation.resume()
            }
            thread.name = "bench-writer"
            thread.start()
        }
        for descriptor in descriptors { close(descriptor) }
    }

    private func writeAll() {
        let period = Double(Self.nanoseconds(interval))
        let end = Self.nanoseconds(duration)
        let origin = Self.monotonic()
        var due = (0..<sessions).map { _ in Int64(Double.random(in: 0..<period)) }
        var round = Array(repeating: 0, count: sessions)
        var now: Int64 = 0
        while now < end {
            // Ticks of 1 ms: each writes every session whose next line is due.
            Self.sleep(until: origin + now + 1_000_000)
            now = Self.monotonic() - origin
            for session in 0..<sessions where due[session] <= now && round[session] < rounds {
                write(session: session, round: round[session])
                round[session] += 1
                due[session] += Int64(period * Double.random(in: 0.8...1.2))
            }
        }
    }

    private static func monotonic() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }

    private func write(session: Int, round: Int) {
        let line = Self.line(
            sessionID: sessionID(session), token: "tk-\(session)-\(round)", round: round,
            timestamp: timestamps.string(from: Date()))
        let written = line.withUnsafeBytes { Glibc.write(descriptors[session], $0.baseAddress, $0.count) }
        if written == line.count { writtenAt[session * rounds + round] = Date().timeIntervalSince1970 }
    }

    /// A line shaped like Claude Code's own (the fields the real transcripts carry around the message).
    static func line(sessionID: String, token: String, round: Int, timestamp: String) -> Data {
        let envelope =
            #""isSidechain":false,"userType":"external","cwd":"/home/bench/projects/fleet","sessionId":"\#(sessionID)","#
            + #""version":"2.1.38","gitBranch":"main","uuid":"\#(UUID().uuidString.lowercased())","#
            + #""timestamp":"\#(timestamp)""#
        let text: String
        if round == 0 {
            text =
                #"{"parentUuid":null,\#(envelope),"type":"user","message":{"role":"user","content":"#
                + #""\#(token) check the fleet and report what changed"}}"#
        } else {
            text =
                #"{"parentUuid":"\#(UUID().uuidString.lowercased())",\#(envelope),"type":"assistant","#
                + #""requestId":"req_bench","message":{"model":"claude-opus-4-6","id":"msg_\#(token)","#
                + #""type":"message","role":"assistant","content":[{"type":"text","text":"\#(token) step \#(round) "#
                + #"of the check is done; moving on to the next host in the list."}],"stop_reason":null,"#
                + #""usage":{"input_tokens":3,"cache_creation_input_tokens":120,"cache_read_input_tokens":20000,"#
                + #""output_tokens":40}}}"#
        }
        return Data((text + "\n").utf8)
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
    }

    private static func sleep(until deadline: Int64) {
        var target = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
        while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &target, nil) == EINTR {}
    }
}
