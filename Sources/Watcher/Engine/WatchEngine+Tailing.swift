import Foundation
import Logging

extension WatchEngine {
    /// Starts following a session: a persisted offset resumes; at startup a new session starts at the end of
    /// its file (no backlog dump); a file that appears while running is new, so it is read from the start.
    func track(_ descriptor: SessionDescriptor, startup: Bool, at now: Duration) -> Set<String> {
        let path = descriptor.transcriptPath
        let file = TranscriptTail.fileStatus(path: path)
        let cap = configuration.maxLineBytes
        let tail: TranscriptTail
        if let stored = offsets[path] {
            tail = TranscriptTail(path: path, offset: stored.offset, inode: stored.inode, maxLineBytes: cap)
        } else if startup {
            tail = TranscriptTail(path: path, offset: file?.size ?? 0, inode: file?.inode, maxLineBytes: cap)
        } else {
            tail = TranscriptTail(path: path, offset: 0, inode: nil, maxLineBytes: cap)
        }
        tracked[descriptor.key] = Tracked(tail: tail, parser: TranscriptParser(format: descriptor.format))
        keysByPath[path] = descriptor.key
        let recent = file.map { _ in Self.modifiedRecently(path, within: configuration.idleTimeout) } ?? false
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

    /// Reads what was appended to one transcript and feeds it to the model.
    func follow(_ key: String, at now: Duration) -> Set<String> {
        guard var entry = tracked[key] else { return [] }
        var events: [TranscriptEvent] = []
        var more = true
        var rounds = 0
        while more && rounds < 64 {
            rounds += 1
            let read: TranscriptTail.Read
            do {
                read = try entry.tail.read()
            } catch let error as WatcherError where error == .notRegularFile(path: entry.tail.path) {
                // Replaced by a FIFO or the like since it was tracked: stop following it.
                noteIrregular(entry.tail.path)
                untrack(key, at: now)
                return []
            } catch {
                logger.debug("Transcript not readable yet", metadata: ["transcript.path": "\(entry.tail.path)"])
                break
            }
            if read.truncated || read.replaced {
                logger.info(
                    "Transcript was truncated or replaced, reading it from the start",
                    metadata: ["transcript.path": "\(entry.tail.path)", "transcript.replaced": "\(read.replaced)"])
                entry.parser = TranscriptParser(format: entry.parser.format)
            }
            if read.skippedLines > 0 {
                statistics.skippedLines += read.skippedLines
                logger.warning(
                    "Skipped transcript lines over the size cap",
                    metadata: [
                        "transcript.path": "\(entry.tail.path)", "line.count": "\(read.skippedLines)",
                        "line.max_bytes": "\(entry.tail.maxLineBytes)",
                    ])
            }
            for line in read.lines { events += parse(line, with: &entry.parser, path: entry.tail.path) }
            more = read.more
        }
        let stored = OffsetStore.Entry(offset: entry.tail.committedOffset, inode: entry.tail.inode)
        if offsets[entry.tail.path] != stored {
            offsets[entry.tail.path] = stored
            offsetsDirty = true
        }
        tracked[key] = entry
        return model.apply(events, to: key, at: now)
    }

    /// Whether a new session's transcript may be opened: a path that exists and is not a regular file is
    /// not (logged once); it is checked again on each rescan, so a FIFO replaced by a file is then followed.
    func isFollowable(_ path: String) -> Bool {
        guard TranscriptTail.isIrregular(path: path) else {
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

    private func parse(_ line: Data, with parser: inout TranscriptParser, path: String) -> [TranscriptEvent] {
        statistics.linesParsed += 1
        switch parser.parse(line) {
        case .events(let events): return events
        case .unknown(let type):
            statistics.unknownLines += 1
            logger.debug(
                "Skipped a transcript line of unknown type",
                metadata: ["transcript.path": "\(path)", "line.type": "\(type)"])
        case .malformed(let reason):
            statistics.malformedLines += 1
            logger.debug(
                "Skipped a malformed transcript line",
                metadata: ["transcript.path": "\(path)", "line.reason": "\(reason)"])
        }
        return []
    }

    static func modifiedRecently(_ path: String, within interval: Duration) -> Bool {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let modified = attributes[.modificationDate] as? Date
        else { return false }
        return Date().timeIntervalSince(modified) < Double(interval.components.seconds)
    }
}
