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
    let wallClock: WallClock
    let fileIO: any BlockingFileIO
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
    /// When `run` began (wall clock): a transcript modified after it is new even if the startup scan finds it.
    var startedAt: Date?
    /// Top-level sessions that subscribers have been told about, so the first update says `.added`.
    var announced: Set<String> = []
    /// Transcript paths that are not regular files (a FIFO named `*.jsonl`): not followed, logged once each.
    var irregularPaths: Set<String> = []
    /// A pass is under way (its file I/O is awaited off the actor); the next one waits in `passWaiters`.
    var passing = false
    var passWaiters: [CheckedContinuation<Void, Never>] = []
    package internal(set) var statistics = Statistics()

    /// - Parameters:
    ///   - clock: drives the poll timer, idle detection and offset flushes.
    ///   - wallClock: tells how long ago a transcript was modified, when deciding at startup whether it is active.
    ///   - fileIO: where every file read, directory listing and state write runs, off the actor.
    package init(
        configuration: WatcherConfiguration, clock: some Clock<Duration>, wallClock: WallClock = .system,
        fileIO: any BlockingFileIO, logger: Logger
    ) {
        self.configuration = configuration
        self.clock = WatchClock(clock)
        self.wallClock = wallClock
        self.fileIO = fileIO
        self.logger = logger
        self.broadcaster = UpdateBroadcaster()
        self.discovery = SessionDiscovery(
            openClawRoot: configuration.openClawRoot, claudeProjectsRoot: configuration.claudeProjectsRoot)
        self.model = SessionModel(settings: configuration.modelSettings)
        self.store = configuration.offsetsFile.map { OffsetStore(url: URL(fileURLWithPath: $0)) }
        self.offsets = [:]
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
        startedAt = wallClock.date
        await loadOffsets()
        await refresh(startup: true)
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
        await flushOffsets()
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
    func refresh(startup: Bool) async {
        await beginPass()
        defer { endPass() }
        await fullPass(startup: startup)
    }

    /// The pass an inotify wake-up asks for: when every event was a tracked transcript written in place, only
    /// those are read (with many busy sessions, listing every directory and checking every file on each
    /// wake-up was most of the engine's time); anything else is a full rescan.
    func refresh(after changes: InotifyWatcher.Changes) async {
        await beginPass()
        defer { endPass() }
        var keys: [String] = []
        for path in changes.written {
            guard let key = keysByPath[path] else { return await fullPass(startup: false) }
            keys.append(key)
        }
        guard !changes.needsRescan else { return await fullPass(startup: false) }
        statistics.targetedPasses += 1
        await finishPass(await follow(keys.sorted()))
    }

    /// Passes run one at a time: each awaits its file I/O, and the actor may take other calls meanwhile.
    private func beginPass() async {
        guard passing else {
            passing = true
            return
        }
        await withCheckedContinuation { passWaiters.append($0) }
    }

    /// Hands the pass over to the next waiter (which then holds it), or frees it.
    private func endPass() {
        guard passWaiters.isEmpty else { return passWaiters.removeFirst().resume() }
        passing = false
    }

    private func fullPass(startup: Bool) async {
        statistics.rescans += 1
        let discovery = discovery
        let inotify = inotify
        let known = Set(tracked.keys)
        let disk: DiskScan
        do {
            disk = try await fileIO.run { DiskScan(discovery: discovery, inotify: inotify, tracked: known) }
        } catch {
            logger.error("Could not scan the session directories", metadata: ["error": "\(error)"])
            return
        }
        self.discovery = disk.discovery
        noteWatches(failed: disk.failedWatches)
        let scan = disk.scan
        for registry in scan.badRegistries {
            logger.debug("Ignoring an unreadable session registry", metadata: ["registry.path": "\(registry)"])
        }
        for registry in scan.irregularFiles { noteIrregular(registry) }
        let now = clock.now()
        var changed: Set<String> = []
        for key in tracked.keys where scan.sessions[key] == nil { untrack(key, at: now) }
        for descriptor in scan.sessions.values.sorted(by: { $0.key < $1.key }) {
            if tracked[descriptor.key] == nil {
                let file = disk.files[descriptor.transcriptPath]
                guard isFollowable(descriptor.transcriptPath, file: file) else { continue }
                changed.formUnion(track(descriptor, file: file, startup: startup, at: now))
            } else if !isKnown(descriptor) {
                changed.formUnion(model.add(descriptor, active: true, at: now))
            }
        }
        changed.formUnion(await follow(Array(tracked.keys)))
        await finishPass(changed)
    }

    /// Ticks the model, publishes every changed session and persists offsets when due.
    private func finishPass(_ changed: Set<String>) async {
        let now = clock.now()
        var changed = changed
        changed.formUnion(model.tick(at: now))
        statistics.sessions = model.sessions.count
        for key in changed.sorted() { publish(key, at: now) }
        if offsetsDirty && now - lastFlush >= configuration.offsetFlushInterval {
            lastFlush = now
            await flushOffsets()
        }
    }

    /// Records which inotify watches failed: a failed watch switches to faster polling.
    private func noteWatches(failed: [String]) {
        guard inotify != nil else { return }
        if let directory = failed.first, !watchFailed {
            logger.warning("An inotify watch failed, polling faster", metadata: ["directory.path": "\(directory)"])
        }
        watchFailed = !failed.isEmpty
    }

    private func loadOffsets() async {
        guard let store else { return }
        offsets = (try? await fileIO.run { store.load() }) ?? [:]
    }

    private func flushOffsets() async {
        guard let store, offsetsDirty else { return }
        let offsets = offsets
        do {
            try await fileIO.run { try store.save(offsets) }
            offsetsDirty = false
        } catch {
            logger.error("Could not persist tail offsets", metadata: ["error": "\(error)"])
        }
    }
}
