/// The exit statuses of `dormouse watch` and its subcommands, in one place (LSB init-script values).
enum WatchExitCode {
    /// `start`: refused (already running), the child exited early or was not healthy in time; `stop`: the
    /// process did not exit in time; `status`: not running but a stale PID file is left (LSB "dead and
    /// PID file exists").
    static let failure: Int32 = 1
    /// `status`: not running (LSB).
    static let notRunning: Int32 = 3
    /// `stop`: there was nothing to stop (LSB "program is not running").
    static let stopNotRunning: Int32 = 7

    /// The table shown by `--help`.
    static let summary = """
        Exit status:
          0   success; run: stopped by SIGTERM or SIGINT; status: running
          1   failure: bad settings, start refused or failed, stop timed out;
              status: not running, but a stale PID file is left
          3   status: not running
          7   stop: not running
          64  usage: bad flags or arguments
        """
}
