import Foundation
import Logging

extension WatchEngine {
    /// What following one transcript found: its events, and the counters to add to the engine's statistics.
    struct Followed: Sendable {
        var key: String
        var tracked: Tracked
        var events: [TranscriptEvent] = []
        var counts = Statistics()
        /// The file was replaced by a FIFO or the like since it was tracked: it is no longer followed.
        var isIrregular = false
    }
}

extension WatchEngine.Tracked {
    /// Reads what was appended (in bounded chunks, at most 64 of them) and parses it. Blocking file I/O: the
    /// engine runs it on its blocking-I/O executor, never on its actor.
    func follow(key: String, logger: Logger) -> WatchEngine.Followed {
        var result = WatchEngine.Followed(key: key, tracked: self)
        var more = true
        var rounds = 0
        while more && rounds < 64 {
            rounds += 1
            let read: TranscriptTail.Read
            do {
                read = try result.tracked.tail.read()
            } catch let error as WatcherError where error == .notRegularFile(path: tail.path) {
                result.isIrregular = true
                result.events = []
                return result
            } catch {
                logger.debug("Transcript not readable yet", metadata: ["transcript.path": "\(tail.path)"])
                break
            }
            if read.truncated || read.replaced {
                logger.info(
                    "Transcript was truncated or replaced, reading it from the start",
                    metadata: ["transcript.path": "\(tail.path)", "transcript.replaced": "\(read.replaced)"])
                result.tracked.parser = TranscriptParser(format: parser.format)
            }
            if read.skippedLines > 0 {
                result.counts.skippedLines += read.skippedLines
                logger.warning(
                    "Skipped transcript lines over the size cap",
                    metadata: [
                        "transcript.path": "\(tail.path)", "line.count": "\(read.skippedLines)",
                        "line.max_bytes": "\(tail.maxLineBytes)",
                    ])
            }
            for line in read.lines {
                let events = Self.parse(line, into: &result, logger: logger)
                result.events += events
            }
            more = read.more
        }
        return result
    }

    private static func parse(_ line: Data, into result: inout WatchEngine.Followed, logger: Logger)
        -> [TranscriptEvent]
    {
        result.counts.linesParsed += 1
        switch result.tracked.parser.parse(line) {
        case .events(let events): return events
        case .unknown(let type):
            result.counts.unknownLines += 1
            logger.debug(
                "Skipped a transcript line of unknown type",
                metadata: ["transcript.path": "\(result.tracked.tail.path)", "line.type": "\(type)"])
        case .malformed(let reason):
            result.counts.malformedLines += 1
            logger.debug(
                "Skipped a malformed transcript line",
                metadata: ["transcript.path": "\(result.tracked.tail.path)", "line.reason": "\(reason)"])
        }
        return []
    }
}
