import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One rescan of the session directories, done on the blocking-I/O executor: lists and reads the registries,
/// adds inotify watches, and checks each transcript not followed yet. The engine's actor only takes the result.
struct DiskScan: Sendable {
    /// What a transcript not followed yet looks like on disk.
    struct File: Sendable {
        /// Exists and is not a regular file (a FIFO, socket, device or directory): never opened.
        var isIrregular = false
        /// Size and inode; nil when the file cannot be read.
        var status: (size: UInt64, inode: UInt64)?
        var modified: Date?
    }

    /// The discovery state after the scan (its cache of registries read).
    var discovery: SessionDiscovery
    var scan: SessionDiscovery.Scan
    /// Directories whose inotify watch could not be set.
    var failedWatches: [String] = []
    /// By transcript path, for the sessions not in `tracked`.
    var files: [String: File] = [:]

    /// Scans with `discovery`; watches what it finds with `inotify` (and scans again when a new watch was added,
    /// since a file created before its watch raised no event); checks the transcripts of sessions not `tracked`.
    init(discovery: SessionDiscovery, inotify: InotifyWatcher?, tracked: Set<String>) {
        self.discovery = discovery
        scan = self.discovery.scan()
        if let inotify, watch(scan.directories, with: inotify) { scan = self.discovery.scan() }
        for descriptor in scan.sessions.values where !tracked.contains(descriptor.key) {
            files[descriptor.transcriptPath] = Self.file(at: descriptor.transcriptPath)
        }
    }

    /// Adds the watches; returns whether any new one was added.
    private mutating func watch(_ directories: [String], with inotify: InotifyWatcher) -> Bool {
        var added = false
        for directory in directories {
            switch inotify.watch(directory: directory) {
            case .added: added = true
            case .alreadyWatched: break
            case .failed: failedWatches.append(directory)
            }
        }
        return added
    }

    private static func file(at path: String) -> File {
        guard !TranscriptTail.isIrregular(path: path) else { return File(isIrregular: true) }
        let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
        return File(status: TranscriptTail.fileStatus(path: path), modified: modified)
    }
}
