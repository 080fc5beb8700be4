import Foundation
import Logging

/// Keeps one live status post per top-level session (SKELETON: filled in by the relay work).
public actor ChatRelay {
    let configuration: ChatRelayConfiguration
    let poster: any ChatPoster
    let formatter: StatusFormatter
    let logger: Logger

    public init(
        configuration: ChatRelayConfiguration, poster: any ChatPoster, formatter: StatusFormatter,
        clock: some Clock<Duration>, logger: Logger
    ) {
        self.configuration = configuration
        self.poster = poster
        self.formatter = formatter
        self.logger = logger
    }

    /// Posts every update until the stream ends; then marks every open box `interrupted`, flushes pending edits
    /// within `shutdownFlushTimeout`, persists post ids and returns.
    public func run(_ updates: AsyncStream<SessionUpdate>) async {
        for await _ in updates {}
    }

    /// Records a worker wake; a session on that worker shows it in its box.
    public func noteWake(_ wake: WorkerWake) {}

    /// The figures `GET /health` reports.
    public func health() -> RelayHealth {
        RelayHealth(
            status: "ok", activeSessions: 0, waitingSessions: 0, updatesSent: 0, updatesFailed: 0, queueDepth: 0,
            circuit: "closed", lastError: nil)
    }
}
