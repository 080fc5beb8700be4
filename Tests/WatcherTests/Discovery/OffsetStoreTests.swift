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
        let error = #expect(throws: WatcherError.self) { try store.save([:]) }
        #expect(error?.path == "/proc/dormouse-cannot/offsets.json")
        #expect(error?.description.hasPrefix("cannot write the offsets file") == true)
    }

    /// A parent that is a file: the system's own error is kept (it was dropped before), beside the path.
    @Test func aParentThatIsAFileSurfacesTheSystemError() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try append(Data("x".utf8), to: directory.file("plain"))
        let path = directory.file("plain/offsets.json")
        let error = #expect(throws: WatcherError.self) {
            try OffsetStore(url: URL(fileURLWithPath: path)).save([:])
        }
        #expect(error == .offsetsUnwritable(path: path, reason: error?.reason))
        #expect(error?.reason?.isEmpty == false)
        #expect(error?.description.contains(error?.reason ?? "-") == true)
    }

    /// The posts file is written the same way, and fails the same way.
    @Test func postStoreSurfacesTheSystemError() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try append(Data("x".utf8), to: directory.file("plain"))
        let path = directory.file("plain/posts.json")
        let error = #expect(throws: WatcherError.self) { try PostStore(url: URL(fileURLWithPath: path)).save([:]) }
        #expect(error == .stateUnwritable(path: path, reason: error?.reason))
        #expect(error?.reason?.isEmpty == false)
        let store = PostStore(url: URL(fileURLWithPath: directory.file("state/posts.json")))
        try store.save(["k": PostStore.Record(postID: "p", channelID: "c", marker: "m")])
        #expect(store.load() == .records(["k": PostStore.Record(postID: "p", channelID: "c", marker: "m")]))
    }
}
