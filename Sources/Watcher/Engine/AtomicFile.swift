import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Replaces a file's contents atomically: write a temporary file beside it, then rename it over the old one.
enum AtomicFile {
    static func replace(_ url: URL, with data: Data) throws {
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
        do {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: temporary)
            guard rename(temporary.path, url.path) == 0 else { throw WatcherError.stateUnwritable(path: url.path) }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw WatcherError.stateUnwritable(path: url.path)
        }
    }
}
