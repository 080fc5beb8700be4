import Foundation
import Testing

@testable import Watcher

/// Tests of `OffsetStore`.
@Suite struct OffsetStoreTests {
    @Test func absentFileLoadsEmpty() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect(OffsetStore(url: URL(fileURLWithPath: directory.file("none.json"))).load().isEmpty)
    }

    @Test func savesAtomicallyAndLoadsBack() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = OffsetStore(url: URL(fileURLWithPath: directory.file("state/offsets.json")))
        let entries = ["/a.jsonl": OffsetStore.Entry(offset: 42, inode: 7), "/b.jsonl": .init(offset: 0, inode: nil)]
        try store.save(entries)
        #expect(store.load() == entries)
        try store.save(["/a.jsonl": .init(offset: 99, inode: 7)])
        #expect(store.load() == ["/a.jsonl": .init(offset: 99, inode: 7)])
        // Only the target remains: the temporary file was renamed over it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.file("state")) == ["offsets.json"])
    }

    @Test func corruptFileLoadsEmpty() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try append(Data("{half".utf8), to: directory.file("o.json"))
        #expect(OffsetStore(url: URL(fileURLWithPath: directory.file("o.json"))).load().isEmpty)
    }

    @Test func unwritableLocationThrows() {
        let store = OffsetStore(url: URL(fileURLWithPath: "/proc/dormouse-cannot/offsets.json"))
        #expect(throws: WatcherError.offsetsUnwritable(path: "/proc/dormouse-cannot/offsets.json")) {
            try store.save([:])
        }
    }
}
