import ArgumentParser
import Logging

/// `dormouse watch`: follows every agent session and keeps one live status post per session in chat (Mattermost,
/// Matrix, Slack) (or shows them in the terminal with `--stdout`); `start`, `stop` and `status` manage a background instance.
struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Follow OpenClaw and Claude Code sessions and keep their live status in chat.",
        discussion: """
            Without a subcommand it runs in the foreground (what systemd and containers want) until SIGTERM \
            or SIGINT: it posts to every chat configured (Mattermost: MM_BASE_URL and MM_BOT_TOKEN; Matrix: \
            MATRIX_HOMESERVER_URL and MATRIX_ACCESS_TOKEN; Slack: SLACK_BOT_TOKEN) and answers GET /health on \
            HEALTH_HOST:HEALTH_PORT (default 127.0.0.1:9090; 200 ok, 503 degraded); with --stdout it shows \
            the sessions in the terminal instead. With DORMOUSE_URL it also follows that server's \
            container.lazy_started and container.lazy_resumed events and shows worker wakes. `start` runs it \
            in the background with a PID file (PID_FILE, default ~/.local/state/dormouse/watch.pid), `stop` \
            ends it, `status` reports it.

            Settings come from the environment: TRANSCRIPT_DIR, CLAUDE_PROJECTS_DIR, MM_BASE_URL, \
            MM_BOT_TOKEN, DEFAULT_CHANNEL, MATRIX_DEFAULT_ROOM, SLACK_DEFAULT_CHANNEL, THROTTLE_MS, MAX_ACTIVE_SESSIONS, IDLE_TIMEOUT_S, HEALTH_PORT, \
            LOG_LEVEL, ... (deploy/dormouse.env.example lists them all). Tokens are never printed.

            Example:
              MM_BASE_URL=https://chat.example.com MM_BOT_TOKEN=... dormouse watch
              dormouse watch --stdout
              dormouse watch start && dormouse watch status

            \(WatchExitCode.summary)
            """,
        subcommands: [WatchRunCommand.self, WatchStartCommand.self, WatchStopCommand.self, WatchStatusCommand.self],
        defaultSubcommand: WatchRunCommand.self
    )
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
