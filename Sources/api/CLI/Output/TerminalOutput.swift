import Foundation
import Watcher

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
