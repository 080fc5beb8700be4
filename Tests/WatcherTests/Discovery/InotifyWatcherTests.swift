import Foundation
import Testing

@testable import Watcher

/// `InotifyWatcher` against real directories: what each kind of event asks of the engine.
@Suite struct InotifyWatcherTests {
    /// Waits for wake-ups until the collected changes satisfy `done` (events of one write can come in more
    /// than one burst); returns everything collected.
    private func changes(
        of watcher: InotifyWatcher, until done: (InotifyWatcher.Changes) -> Bool
    ) async -> InotifyWatcher.Changes {
        var collected = InotifyWatcher.Changes()
        for await _ in watcher.wakeups {
            let taken = watcher.takeChanges()
            collected.written.formUnion(taken.written)
            collected.needsRescan = collected.needsRescan || taken.needsRescan
            if done(collected) { break }
        }
        return collected
    }

    @Test func aFileWrittenInPlaceIsNamedWithoutARescan() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("s1.jsonl")
        try append(Data("{}\n".utf8), to: path)
        let watcher = try #require(InotifyWatcher())
        defer { watcher.stop() }
        #expect(watcher.watch(directory: directory.path) == .added)
        #expect(watcher.watch(directory: directory.path) == .alreadyWatched)
        try append(Data("{}\n".utf8), to: path)
        let written = await changes(of: watcher) { $0.written.contains(path) }
        #expect(written == .init(written: [path], needsRescan: false))
        // The write's modify and close events can arrive in two reads: a late one names the same file again,
        // never another file and never a rescan.
        let late = watcher.takeChanges()
        #expect(late.written.isSubset(of: [path]) && !late.needsRescan)
    }

    @Test func createdMovedAndDeletedEntriesAskForARescan() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let watcher = try #require(InotifyWatcher())
        defer { watcher.stop() }
        watcher.watch(directory: directory.path)
        for change in [
            { try Data().write(to: URL(fileURLWithPath: directory.file("new.jsonl"))) },
            {
                try FileManager.default.moveItem(atPath: directory.file("new.jsonl"), toPath: directory.file("b.jsonl"))
            },
            { try FileManager.default.removeItem(atPath: directory.file("b.jsonl")) },
        ] as [() throws -> Void] {
            try change()
            #expect(await changes(of: watcher) { $0.needsRescan }.needsRescan)
        }
    }

    @Test func aDirectoryRemovedAndMadeAgainIsWatchedAgain() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let sessions = try directory.makeDirectory("sessions")
        let watcher = try #require(InotifyWatcher())
        defer { watcher.stop() }
        #expect(watcher.watch(directory: sessions) == .added)
        try FileManager.default.removeItem(atPath: sessions)
        #expect(await changes(of: watcher) { $0.needsRescan }.needsRescan)
        _ = try directory.makeDirectory("sessions")
        #expect(watcher.watch(directory: sessions) == .added)
        let path = "\(sessions)/s.jsonl"
        try append(Data("{}\n".utf8), to: path)
        _ = watcher.takeChanges()
        try append(Data("{}\n".utf8), to: path)
        #expect(await changes(of: watcher) { $0.written.contains(path) }.written.contains(path))
    }
}
