import Foundation
import Watcher

/// Writes the board to standard output: redrawn in place on a TTY, appended as separate blocks otherwise.
struct TerminalOutput: Sendable {
    let isTTY: Bool
    /// Paces the redraws on a TTY.
    var clock: any Clock<Duration> = ContinuousClock()
    /// The time shown in the header and in each block.
    var wallClock: WallClock = .system

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
                group.addTask { [clock] in
                    while !Task.isCancelled {
                        try? await clock.sleep(for: .seconds(1))
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
                    "── \(time()) \(update.key) (\(title)) ──\n" + board.formatter.format(update.snapshot) + "\n\n"
                )
            }
        }
    }

    private func header(_ board: StatusBoard) -> String {
        let active = board.visible.filter { $0.state.status == .active }.count
        return "dormouse watch · \(active) active · \(time())"
    }

    private func time() -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm:ss"
        return formatter.string(from: wallClock.date)
    }

    private func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
