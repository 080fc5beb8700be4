import Foundation
import Logging
import Watcher

/// Everything `dormouse watch` (and `serve --watch`) runs with; filled from the environment by
/// `WatcherEnvironment` only. Printing it never shows a token.
package struct WatchSettings: Sendable {
    /// One chat server the status posts go to.
    package struct Chat: Sendable, Equatable, CustomStringConvertible, CustomReflectable {
        /// The chats Dormouse can post to, in the order their relays are made (the first configured is primary).
        package enum Kind: String, Sendable, CaseIterable {
            case mattermost, matrix, slack
        }

        package var kind: Kind
        /// The server's URL without a trailing slash: Mattermost's base URL, the Matrix homeserver, Slack's Web API.
        package var url: String
        /// The bot's access token; never logged or printed.
        package var token: String
        /// Where sessions without a route for this chat go: a channel id, or a Matrix room id or alias.
        package var defaultTarget: String?

        package var description: String { "\(kind.rawValue)(\(url), token: <redacted>)" }
        package var customMirror: Mirror {
            Mirror(self, children: ["kind": kind.rawValue, "url": url, "token": "<redacted>"])
        }
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
    /// The relay settings every chat shares (throttle, circuit breaker, the posts file of the first chat).
    package var relay: ChatRelayConfiguration
    /// The chats configured, in `Chat.Kind` order; empty when none is: only `--stdout` can run then.
    package var chats: [Chat]
    /// Nil when `DORMOUSE_URL` is unset: no wakes are followed (`serve --watch` feeds them in-process).
    package var wakeSource: WakeSource?
    package var control: Control
    /// Nil when `LOG_LEVEL` is unset: `info` for the daemon, `warning` with `--stdout`.
    package var logLevel: Logger.Level?
}

extension WatchSettings {
    /// Each configured chat with its relay's settings: its own default target and posts file (the first chat keeps
    /// `WATCH_POSTS_FILE` as is; the others add `-<chat>` before its extension), and which chats the others serve.
    package var relayConfigurations: [(chat: Chat, relay: ChatRelayConfiguration)] {
        let names = Set(chats.map(\.kind.rawValue))
        return chats.enumerated().map { index, chat in
            var configuration = relay
            configuration.defaultChannel = chat.defaultTarget
            configuration.isPrimary = index == 0
            configuration.otherChats = names.subtracting([chat.kind.rawValue])
            if index > 0, let path = relay.postsFile {
                let url = URL(fileURLWithPath: path)
                let name = url.deletingPathExtension().lastPathComponent + "-\(chat.kind.rawValue)"
                configuration.postsFile =
                    url.deletingLastPathComponent().appendingPathComponent(name)
                    .appendingPathExtension(url.pathExtension.isEmpty ? "json" : url.pathExtension).path
            }
            return (chat, configuration)
        }
    }
}
