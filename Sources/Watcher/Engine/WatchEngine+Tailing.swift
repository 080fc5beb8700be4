import Foundation
import Logging

extension WatchEngine {
    /// Starts following a session: a persisted offset resumes; at startup a new session starts at the end of
    /// its file (no backlog dump); a file that appears while running is new, so it is read from the start. So is
    /// one the startup scan finds written after the engine started: the scan can take a while, and a session
    /// begun meanwhile must not lose its first lines.
    func track(_ descriptor: SessionDescriptor, file: DiskScan.File?, startup: Bool, at now: Duration) -> Set<String> {
        let path = descriptor.transcriptPath
        let status = file?.status
        let cap = configuration.maxLineBytes
        let tail: TranscriptTail
        if let stored = offsets[path] {
            tail = TranscriptTail(path: path, offset: stored.offset, inode: stored.inode, maxLineBytes: cap)
        } else if startup && !writtenSinceStart(file?.modified) {
            tail = TranscriptTail(path: path, offset: status?.size ?? 0, inode: status?.inode, maxLineBytes: cap)
        } else {
            tail = TranscriptTail(path: path, offset: 0, inode: nil, maxLineBytes: cap)
        }
        tracked[descriptor.key] = Tracked(tail: tail, parser: TranscriptParser(format: descriptor.format))
        keysByPath[path] = descriptor.key
        let recent = status != nil && isRecent(file?.modified)
        let active = !startup || descriptor.isLocked || recent
        let changed = model.add(descriptor, active: active, at: now)
        if startup { model.sessions[descriptor.key]?.foundAtStartup = true }
        return changed
    }

    func untrack(_ key: String, at now: Duration) {
        if let snapshot = model.snapshot(of: key, maxDepth: configuration.maxDepth, at: now),
            announced.remove(key) != nil
        {
            broadcaster.publish(SessionUpdate(kind: .removed, key: key, snapshot: snapshot))
        }
        if let path = tracked.removeValue(forKey: key)?.tail.path {
            if keysByPath[path] == key { keysByPath[path] = nil }
            if offsets.removeValue(forKey: path) != nil { offsetsDirty = true }
        }
        for root in model.remove(key) where root != key { publish(root, at: now) }
    }

    /// Reads what was appended to these transcripts on the blocking-I/O executor (the actor serves other callers
    /// meanwhile) and feeds it to the model.
    func follow(_ keys: [String]) async -> Set<String> {
        let entries = keys.compactMap { key in tracked[key].map { (key, $0) } }
        guard !entries.isEmpty else { return [] }
        let logger = logger
        let results: [Followed]
        do {
            results = try await fileIO.run { entries.map { key, entry in entry.follow(key: key, logger: logger) } }
        } catch {
            logger.error("Could not read transcripts", metadata: ["error": "\(error)"])
            return []
        }
        let now = clock.now()
        var changed: Set<String> = []
        for result in results { changed.formUnion(apply(result, at: now)) }
        return changed
    }

    /// Takes in what following one transcript found.
    private func apply(_ result: Followed, at now: Duration) -> Set<String> {
        let key = result.key
        guard tracked[key] != nil else { return [] }
        statistics.linesParsed += result.counts.linesParsed
        statistics.unknownLines += result.counts.unknownLines
        statistics.malformedLines += result.counts.malformedLines
        statistics.skippedLines += result.counts.skippedLines
        let tail = result.tracked.tail
        if result.isIrregular {
            // Replaced by a FIFO or the like since it was tracked: stop following it.
            noteIrregular(tail.path)
            untrack(key, at: now)
            return []
        }
        let stored = OffsetStore.Entry(offset: tail.committedOffset, inode: tail.inode)
        if offsets[tail.path] != stored {
            offsets[tail.path] = stored
            offsetsDirty = true
        }
        tracked[key] = result.tracked
        return model.apply(result.events, to: key, at: now)
    }

    /// Whether a new session's transcript may be opened: a path that exists and is not a regular file is
    /// not (logged once); it is checked again on each rescan, so a FIFO replaced by a file is then followed.
    func isFollowable(_ path: String, file: DiskScan.File?) -> Bool {
        guard file?.isIrregular == true else {
            irregularPaths.remove(path)
            return true
        }
        noteIrregular(path)
        return false
    }

    /// Logs a path that is not a regular file the first time it is seen.
    func noteIrregular(_ path: String) {
        guard irregularPaths.insert(path).inserted else { return }
        logger.warning("Ignoring a session file that is not a regular file", metadata: ["file.path": "\(path)"])
    }

    /// Whether a file modified at `modified` was modified within the idle timeout, by the injected wall clock.
    private func writtenSinceStart(_ modified: Date?) -> Bool {
        guard let modified, let startedAt else { return false }
        return modified > startedAt
    }

    private func isRecent(_ modified: Date?) -> Bool {
        guard let modified else { return false }
        return wallClock.date.timeIntervalSince(modified) < Double(configuration.idleTimeout.components.seconds)
    }
}
