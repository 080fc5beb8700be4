import Foundation
import Logging

/// Runs discovery, tailing and the session model, and publishes every change of a top-level session.
package actor WatchEngine {
    /// Counters of what the engine read.
    package struct Statistics: Sendable, Equatable {
        package var linesParsed = 0
        package var malformedLines = 0
        package var unknownLines = 0
        package var sessions = 0
        /// Passes that listed the directories and checked every transcript (at startup, on the poll timer,
        /// and when inotify reports more than files written in place).
        package var rescans = 0
        /// Passes that read only the transcripts inotify named.
        package var targetedPasses = 0
        /// Transcript lines over `maxLineBytes`, skipped up to their newline.
        package var skippedLines = 0
    }

    /// A followed transcript and the parser state of its format.
    struct Tracked {
        var tail: TranscriptTail
        var parser: TranscriptParser
    }

    let configuration: WatcherConfiguration
    let clock: WatchClock
    let logger: Logger
    let broadcaster: UpdateBroadcaster
    var discovery: SessionDiscovery
    var model: SessionModel
    var tracked: [String: Tracked] = [:]
    /// The key of every tracked transcript, by path, so an inotify event names the session to read.
    var keysByPath: [String: String] = [:]
    var offsets: [String: OffsetStore.Entry]
    let store: OffsetStore?
    var offsetsDirty = false
    var lastFlush: Duration = .zero
    var inotify: InotifyWatcher?
    var watchFailed = false
    /// Top-level sessions that subscribers have been told about, so the first update says `.added`.
    var announced: Set<String> = []
    /// Transcript paths that are not regular files (a FIFO named `*.jsonl`): not followed, logged once each.
    var irregularPaths: Set<String> = []
    package internal(set) var statistics = Statistics()

    package init(configuration: WatcherConfiguration, clock: some Clock<Duration>, logger: Logger) {
        self.configuration = configuration
        self.clock = WatchClock(clock)
        self.logger = logger
        self.broadcaster = UpdateBroadcaster()
        self.discovery = SessionDiscovery(
            openClawRoot: configuration.openClawRoot, claudeProjectsRoot: configuration.claudeProjectsRoot)
        self.model = SessionModel(settings: configuration.modelSettings)
        self.store = configuration.offsetsFile.map { OffsetStore(url: URL(fileURLWithPath: $0)) }
        self.offsets = store?.load() ?? [:]
    }

    /// A new subscriber stream of updates. A slow subscriber gets the latest update of each session it has
    /// not read yet (in the order the sessions first changed): nothing is dropped, and what waits is bounded
    /// by the number of sessions.
    package nonisolated func updates() -> AsyncStream<SessionUpdate> {
        broadcaster.subscribe()
    }

    /// Every top-level session with its children, as of now.
    package func snapshots() -> [SessionSnapshot] {
        let now = clock.now()
        return model.rootKeys.compactMap { model.snapshot(of: $0, maxDepth: configuration.maxDepth, at: now) }
    }

    /// Watches until the task is cancelled, then persists offsets and finishes every update stream.
    package func run() async throws {
        let watcher = configuration.usesInotify ? InotifyWatcher() : nil
        inotify = watcher
        if watcher == nil && configuration.usesInotify { logger.warning("inotify is unavailable, polling instead") }
        refresh(startup: true)
        await withTaskGroup(of: Void.self) { group in
            if let watcher {
                group.addTask {
                    for await _ in watcher.wakeups { await self.refresh(after: watcher.takeChanges()) }
                }
            }
            group.addTask {
                while !Task.isCancelled {
                    do {
                        try await self.clock.sleep(await self.pollInterval)
                    } catch {
                        return
                    }
                    await self.refresh(startup: false)
                }
            }
            // Both children end on cancellation only: the stream ends and the sleep throws.
            await group.waitForAll()
        }
        watcher?.stop()
        inotify = nil
        flushOffsets()
        broadcaster.finish()
    }

    /// Publishes the current snapshot of a top-level session: `.added` the first time, `.changed` after.
    func publish(_ key: String, at now: Duration) {
        guard let snapshot = model.snapshot(of: key, maxDepth: configuration.maxDepth, at: now),
            snapshot.state.descriptor.parentKey == nil
        else { return }
        let kind: SessionUpdate.Kind = announced.insert(key).inserted ? .added : .changed
        broadcaster.publish(SessionUpdate(kind: kind, key: key, snapshot: snapshot))
    }

    /// Whether the model already has this descriptor; the parent link is the model's own (a queued child that
    /// expired has none), so it is not compared.
    private func isKnown(_ descriptor: SessionDescriptor) -> Bool {
        guard var known = model.sessions[descriptor.key]?.descriptor else { return false }
        known.parentKey = descriptor.parentKey
        return known == descriptor
    }

    private var pollInterval: Duration {
        inotify == nil || watchFailed ? configuration.fallbackPollInterval : configuration.pollInterval
    }

    /// One pass: rescan, follow every transcript, tick the model and publish what changed.
    func refresh(startup: Bool) {
        statistics.rescans += 1
        let now = clock.now()
        var scan = discovery.scan()
        // A file created in a directory before its watch was added raised no event: scan again to catch it.
        if watch(scan.directories) { scan = discovery.scan() }
        for registry in scan.badRegistries {
            logger.debug("Ignoring an unreadable session registry", metadata: ["registry.path": "\(registry)"])
        }
        for registry in scan.irregularFiles { noteIrregular(registry) }
        var changed: Set<String> = []
        for key in tracked.keys where scan.sessions[key] == nil { untrack(key, at: now) }
        for descriptor in scan.sessions.values.sorted(by: { $0.key < $1.key }) {
            if tracked[descriptor.key] == nil {
                guard isFollowable(descriptor.transcriptPath) else { continue }
                changed.formUnion(track(descriptor, startup: startup, at: now))
            } else if !isKnown(descriptor) {
                changed.formUnion(model.add(descriptor, active: true, at: now))
            }
        }
        for key in tracked.keys { changed.formUnion(follow(key, at: now)) }
        finishPass(changed, at: now)
    }

    /// The pass an inotify wake-up asks for: when every event was a tracked transcript written in place, only
    /// those are read (with many busy sessions, listing every directory and checking every file on each
    /// wake-up was most of the engine's time); anything else is a full rescan.
    func refresh(after changes: InotifyWatcher.Changes) {
        var keys: [String] = []
        for path in changes.written {
            guard let key = keysByPath[path] else { return refresh(startup: false) }
            keys.append(key)
        }
        guard !changes.needsRescan else { return refresh(startup: false) }
        statistics.targetedPasses += 1
        let now = clock.now()
        var changed: Set<String> = []
        for key in keys.sorted() { changed.formUnion(follow(key, at: now)) }
        finishPass(changed, at: now)
    }

    /// Ticks the model, publishes every changed session and persists offsets when due.
    private func finishPass(_ changed: Set<String>, at now: Duration) {
        var changed = changed
        changed.formUnion(model.tick(at: now))
        statistics.sessions = model.sessions.count
        for key in changed.sorted() { publish(key, at: now) }
        if offsetsDirty && now - lastFlush >= configuration.offsetFlushInterval {
            lastFlush = now
            flushOffsets()
        }
    }

    /// Adds inotify watches; returns whether any new one was added. A failed watch switches to faster polling.
    private func watch(_ directories: [String]) -> Bool {
        guard let inotify else { return false }
        var added = false
        var failed = false
        for directory in directories {
            switch inotify.watch(directory: directory) {
            case .added: added = true
            case .alreadyWatched: break
            case .failed:
                if !watchFailed {
                    logger.warning(
                        "An inotify watch failed, polling faster", metadata: ["directory.path": "\(directory)"])
                }
                failed = true
            }
        }
        watchFailed = failed
        return added
    }

    private func flushOffsets() {
        guard let store, offsetsDirty else { return }
        do {
            try store.save(offsets)
            offsetsDirty = false
        } catch {
            logger.error("Could not persist tail offsets", metadata: ["error": "\(error)"])
        }
    }
}
