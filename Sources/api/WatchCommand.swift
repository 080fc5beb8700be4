import ArgumentParser
import Foundation
import Logging
import Watcher

#if canImport(Glibc)
    import Glibc
#endif

/// `dormouse watch --stdout`: follows every agent session and shows its live status in the terminal.
struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Follow OpenClaw and Claude Code sessions and show their live status.",
        discussion: "Settings come from the environment (TRANSCRIPT_DIR, CLAUDE_PROJECTS_DIR, IDLE_TIMEOUT_S, ...).")

    @Flag(help: "Render to the terminal: redrawn in place on a TTY, appended otherwise.")
    var stdout = false

    @Option(help: "Log level on standard error (trace, debug, info, notice, warning, error, critical).")
    var logLevel: Logger.Level = .warning

    func run() async throws {
        guard stdout else { throw ValidationError("Only --stdout is available; chat posting comes with part 2.") }
        let configuration = try WatcherEnvironment.configuration(from: ProcessInfo.processInfo.environment)
        var logger = Logger(label: "dormouse.watch") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = logLevel
        let engine = WatchEngine(configuration: configuration, clock: ContinuousClock(), logger: logger)
        let terminal = TerminalOutput(isTTY: isatty(STDOUT_FILENO) == 1)
        let board = StatusBoard(formatter: StatusFormatter(settings: configuration.formatterSettings))
        let updates = engine.updates()
        let signals = Self.terminationSignals()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await engine.run() }
            group.addTask { await terminal.show(updates, board: board, engine: engine) }
            group.addTask { for await _ in signals { return } }
            // The first to finish (a signal, or the engine stopping) ends the whole watch.
            _ = try await group.next()
            group.cancelAll()
        }
    }

    /// One element when SIGINT or SIGTERM arrives, so the engine can persist offsets before exiting.
    private static func terminationSignals() -> AsyncStream<Int32> {
        let (stream, continuation) = AsyncStream.makeStream(of: Int32.self)
        var sources: [any DispatchSourceSignal] = []
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber)
            source.setEventHandler { continuation.yield(signalNumber) }
            source.resume()
            sources.append(source)
        }
        // Dispatch sources are thread-safe to cancel; the array is never mutated after this point.
        nonisolated(unsafe) let kept = sources
        continuation.onTermination = { _ in kept.forEach { $0.cancel() } }
        return stream
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// Writes the board to standard output: redrawn in place on a TTY, appended as separate blocks otherwise.
struct TerminalOutput: Sendable {
    let isTTY: Bool

    func show(_ updates: AsyncStream<SessionUpdate>, board initial: StatusBoard, engine: WatchEngine) async {
        var board = initial
        if isTTY {
            await withTaskGroup(of: Void.self) { group in
                let (ticks, tick) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
                group.addTask {
                    for await update in updates where update.kind == .removed || StatusBoard.isVisible(update.snapshot)
                    {
                        tick.yield()
                    }
                    tick.finish()
                }
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .seconds(1))
                        tick.yield()
                    }
                }
                // Redraws from fresh snapshots so elapsed times keep moving between updates.
                for await _ in ticks {
                    board.replaceAll(await engine.snapshots())
                    write("\u{1B}[H\u{1B}[2J" + header(board) + "\n\n" + board.render() + "\n")
                }
                group.cancelAll()
            }
        } else {
            for await update in updates where board.apply(update) {
                let title = update.kind == .removed ? "removed" : update.snapshot.state.status.rawValue
                write(
                    "── \(Self.time()) \(update.key) (\(title)) ──\n" + board.formatter.format(update.snapshot) + "\n\n"
                )
            }
        }
    }

    private func header(_ board: StatusBoard) -> String {
        let active = board.visible.filter { $0.state.status == .active }.count
        return "dormouse watch · \(active) active · \(Self.time())"
    }

    private static func time() -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm:ss"
        return formatter.string(from: Date())
    }

    private func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
