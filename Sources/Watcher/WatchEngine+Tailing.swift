import Foundation
import Logging

extension WatchEngine {
    /// Starts following a session: a persisted offset resumes; at startup a new session starts at the end of
    /// its file (no backlog dump); a file that appears while running is new, so it is read from the start.
    func track(_ descriptor: SessionDescriptor, startup: Bool, at now: Duration) -> Set<String> {
        let path = descriptor.transcriptPath
        let file = TranscriptTail.fileStatus(path: path)
        let tail: TranscriptTail
        if let stored = offsets[path] {
            tail = TranscriptTail(path: path, offset: stored.offset, inode: stored.inode)
        } else if startup {
            tail = TranscriptTail(path: path, offset: file?.size ?? 0, inode: file?.inode)
        } else {
            tail = TranscriptTail(path: path, offset: 0, inode: nil)
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
