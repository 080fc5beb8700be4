import Logging
import Watcher

/// Everything `dormouse watch` (and `serve --watch`) runs with; filled from the environment by
/// `WatcherEnvironment` only. Printing it never shows a token.
package struct WatchSettings: Sendable {
    /// The Mattermost server the status posts go to.
    package struct Mattermost: Sendable, CustomStringConvertible, CustomReflectable {
        /// `https://chat.example.com`, without a trailing slash.
        package var baseURL: String
        /// The bot's access token; never logged or printed.
        package var token: String

        package var description: String { "Mattermost(\(baseURL), token: <redacted>)" }
        package var customMirror: Mirror { Mirror(self, children: ["baseURL": baseURL, "token": "<redacted>"]) }
    }

    /// A Dormouse server whose `container.lazy_started` and `container.lazy_resumed` events become worker wakes.
    package struct WakeSource: Sendable, CustomStringConvertible, CustomReflectable {
        /// The server's URL, without a trailing slash.
        package var url: String
        /// Its API token, if it needs one; never logged or printed.
        package var token: String?

        package var description: String { "WakeSource(\(url), token: \(token == nil ? "none" : "<redacted>"))" }
        package var customMirror: Mirror {
            Mirror(self, children: ["url": url, "token": token == nil ? "none" : "<redacted>"])
        }
    }

    /// Where a background instance keeps its PID file and where its health route listens: all that
    /// `watch stop` and `watch status` need, so they work even when the rest of the environment is broken.
    package struct Control: Sendable, Equatable {
        package var pidFile: String
        package var healthHost = "127.0.0.1"
        /// `0` picks a free port (the foreground run writes the one it got into `--port-file`).
        package var healthPort = 9090
    }

    package var watcher: WatcherConfiguration
    package var relay: ChatRelayConfiguration
    /// Nil when `MM_BASE_URL` is unset: only `--stdout` can run then.
    package var mattermost: Mattermost?
    /// Nil when `DORMOUSE_URL` is unset: no wakes are followed (`serve --watch` feeds them in-process).
    package var wakeSource: WakeSource?
    package var control: Control
    /// Nil when `LOG_LEVEL` is unset: `info` for the daemon, `warning` with `--stdout`.
    package var logLevel: Logger.Level?
}
