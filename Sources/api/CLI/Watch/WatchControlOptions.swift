import ArgumentParser
import Foundation
import WatchDaemon

/// The flags `watch start`, `stop` and `status` share: which background instance (its PID file).
struct WatchControlOptions: ParsableArguments {
    @Option(
        name: .customLong("pid-file"), help: "The PID file (env PID_FILE, default ~/.local/state/dormouse/watch.pid).")
    var pidFile: String?

    /// The environment's control settings with the flags applied.
    func control() throws -> WatchSettings.Control {
        var control = try WatcherEnvironment.control(from: ProcessInfo.processInfo.environment)
        if let pidFile, !pidFile.isEmpty { control.pidFile = pidFile }
        return control
    }
}
