import Foundation
import Logging

/// Keeps one live status post per top-level session: creates it when the session becomes active, edits it
/// in place (throttled per post, only when the text changed), nests sub-agents through the formatter, and
/// survives restarts, outages and rate limits without losing the last state.
package actor ChatRelay {
    /// A unit of background work the run loop starts as a child task.
    enum Job: Sendable {
        case deliver(StatusDelivery)
        case timer(key: String, deadline: Duration)
        case shutdownDeadline(Duration)
        /// Writes the post ids on the blocking-I/O executor.
        case persist
    }

    let configuration: ChatRelayConfiguration
    let poster: any ChatPoster
    let formatter: StatusFormatter
    let clock: WatchClock
    let wallClock: WallClock
    let fileIO: any BlockingFileIO
    let logger: Logger
    let backoff: RetryBackoff
    let store: PostStore?
    var breaker: CircuitBreaker
    var boxes: [String: StatusBox] = [:]
    /// Sessions waiting for a free box, in arrival order, with their latest snapshot.
    var waiting: [String] = []
    var waitingSnapshots: [String: SessionSnapshot] = [:]
    /// Sessions with no chat route and no default channel, logged once each.
    var unrouted: Set<String> = []
    /// Sessions whose route could not be followed (an unknown chat, a target this chat has no form for), logged
    /// once each and counted in health.
    var misrouted: Set<String> = []
    /// When a request last went to each channel, for chats that pace posting per channel (`ChatPoster.channelPace`).
    var channelSentAt: [String: Duration] = [:]
    var records: [String: PostStore.Record] = [:]
    /// Whether post ids may have been lost (no readable posts file), so posts are looked up by marker.
    var recordsLost = true
    /// Whether `run` has read the posts file yet.
    var recordsLoaded = false
    /// The records changed since the last write began; a write is under way.
    var persistPending = false
    var persisting = false
    var wakes: [String: WorkerWake] = [:]
    /// Boxes waiting for the circuit breaker to let a request through.
    var parked: Set<String> = []
    /// No request before this time: the server answered 429.
    var rateLimitedUntil: Duration?
    /// The startup check has not reached the chat server yet.
    var serverUnreachable = false
    var updatesSent = 0
    var updatesFailed = 0
    var lastError: String?
    /// Work for the run loop; made in `init` so nothing handed in before `run` starts is lost.
    let jobStream: AsyncStream<Job>
    var jobs: AsyncStream<Job>.Continuation?
    var shuttingDown = false
    /// Callers of `waitUntilSettled`, resumed when no request is in flight.
    var settledWaiters: [CheckedContinuation<Void, Never>] = []

    /// - Parameters:
    ///   - clock: drives throttling, retries, the circuit breaker and the shutdown bound.
    ///   - wallClock: tells how old a worker wake is (`WorkerWake.at` is wall-clock time).
    ///   - fileIO: where the posts file is read and written, off the actor.
    ///   - random: a source of numbers in [0, 1) for the backoff jitter; tests pin it.
    package init(
        configuration: ChatRelayConfiguration, poster: any ChatPoster, formatter: StatusFormatter,
        clock: some Clock<Duration>, wallClock: WallClock = .system, fileIO: any BlockingFileIO, logger: Logger,
        random: @escaping @Sendable () -> Double = { .random(in: 0..<1) }
    ) {
        self.configuration = configuration
        self.poster = poster
        var settings = formatter.settings
        // Room for the wake note appended to the header line.
        settings.maxCharacters = max(64, min(settings.maxCharacters, poster.maxMessageCharacters) - Self.wakeRoom)
        self.formatter = StatusFormatter(settings: settings)
        self.clock = WatchClock(clock)
        self.wallClock = wallClock
        self.fileIO = fileIO
        self.logger = logger
        self.backoff = RetryBackoff(
            base: configuration.retryBaseDelay, max: configuration.retryMaxDelay, random: random)
        self.breaker = CircuitBreaker(
            threshold: configuration.circuitBreakerThreshold, cooldown: configuration.circuitBreakerCooldown)
        (jobStream, jobs) = AsyncStream.makeStream(of: Job.self)
        self.store = configuration.postsFile.map { PostStore(url: URL(fileURLWithPath: $0)) }
    }

    static let wakeRoom = 40

    /// The chat this relay posts to (its poster's).
    package nonisolated var chat: String { poster.chat }

    /// Posts every update until the stream ends; then marks every open box `interrupted`, flushes pending edits
    /// within `shutdownFlushTimeout`, persists post ids and returns.
    package func run(_ updates: AsyncStream<SessionUpdate>) async {
        await loadRecords()
        let jobs = jobStream
        await withDiscardingTaskGroup { group in
            group.addTask { await self.checkServer() }
            group.addTask {
                for await update in updates { await self.handle(update) }
                await self.beginShutdown()
            }
            for await job in jobs {
                switch job {
                case .deliver(let delivery):
                    let poster = self.poster
                    group.addTask { await self.finished(delivery, delivery.perform(with: poster)) }
                case .timer(let key, let deadline):
                    group.addTask { [clock] in
                        guard (try? await clock.sleepUntil(deadline)) != nil else { return }
                        await self.timerFired(key, deadline: deadline)
                    }
                case .shutdownDeadline(let deadline):
                    group.addTask { [clock] in
                        guard (try? await clock.sleepUntil(deadline)) != nil else { return }
                        await self.shutdownTimedOut()
                    }
                case .persist:
                    group.addTask { await self.writeRecords() }
                }
            }
            // Timers still asleep and requests past the shutdown bound are abandoned here.
            group.cancelAll()
        }
    }

    /// Records a worker wake; a session on that worker shows it in its box.
    package func noteWake(_ wake: WorkerWake) {
        wakes[wake.instance] = wake
        for key in boxes.keys where boxes[key]?.snapshot.state.descriptor.agent == wake.instance {
            guard var box = boxes[key], box.wake == nil, !box.isFinal else { continue }
            box.wake = wake
            box.message = render(box)
            boxes[key] = box
            pump(key)
        }
    }

    /// Checks the chat server until it answers (backing off), so a wrong URL or token shows in health at once.
    func checkServer() async {
        var attempt = 0
        while !Task.isCancelled {
            do throws(ChatError) {
                try await poster.checkConnection()
                serverUnreachable = false
                return
            } catch {
                attempt += 1
                serverUnreachable = true
                lastError = error.description
                if attempt == 1 { logger.error("Chat server check failed", metadata: ["error": "\(error)"]) }
            }
            guard (try? await clock.sleep(backoff.delay(attempt: attempt))) != nil else { return }
        }
    }

    /// Returns once no request is in flight (at once when none is).
    func waitUntilSettled() async {
        guard boxes.values.contains(where: \.inFlight) else { return }
        await withCheckedContinuation { settledWaiters.append($0) }
    }

    /// What each open status post should say now (with the wake note), by session key; a session whose post is
    /// closed or not open yet is not here.
    package func postTexts() -> [String: String] {
        boxes.mapValues(\.message.text)
    }

    /// The figures `GET /health` reports.
    package func health() -> RelayHealth {
        let circuit = breaker.name
        return RelayHealth(
            status: circuit == "closed" && !serverUnreachable && !boxes.values.contains { $0.failures > 0 }
                ? "ok" : "degraded",
            activeSessions: boxes.count, waitingSessions: waiting.count, updatesSent: updatesSent,
            updatesFailed: updatesFailed, queueDepth: boxes.values.filter(\.isDirty).count, circuit: circuit,
            lastError: lastError, misroutedSessions: misrouted.count)
    }

    /// Applies one engine update: opens, refreshes or closes the session's box, or queues the session.
    func handle(_ update: SessionUpdate) {
        let key = update.key
        if boxes[key] != nil {
            // A vanished transcript ends its box: an active post must not claim to run forever.
            refresh(key, with: update.kind == .removed ? Self.interrupted(update.snapshot) : update.snapshot)
        } else if waitingSnapshots[key] != nil {
            if update.kind == .removed {
                waiting.removeAll { $0 == key }
                waitingSnapshots[key] = nil
            } else {
                waitingSnapshots[key] = update.snapshot
            }
        } else if update.kind != .removed && update.snapshot.state.status == .active {
            admit(key, update.snapshot)
        } else if records.removeValue(forKey: key) != nil {
            // A session that ended while the watcher was away: its old post stays as it was.
            persist()
        }
    }

    /// Gives a session a box, or queues it when every box is taken; a session routed to another chat is left to
    /// that chat's relay.
    func admit(_ key: String, _ snapshot: SessionSnapshot) {
        let routing = routing(for: snapshot)
        if let problem = routing.problem, misrouted.insert(key).inserted {
            lastError = "session \(key): \(problem)"
            logger.warning(
                "Session's chat route cannot be followed",
                metadata: [
                    "session.key": "\(key)", "chat": "\(poster.chat)", "problem": "\(problem)",
                    "fallback": "\(routing.destination.map { "\($0.target)" } ?? "none")",
                ])
        }
        guard !routing.elsewhere else { return }
        guard let destination = routing.destination else {
            if unrouted.insert(key).inserted {
                logger.info(
                    "Session has no chat route and no default is set for this chat; not posting it",
                    metadata: ["session.key": "\(key)", "chat": "\(poster.chat)"])
            }
            return
        }
        guard boxes.count < configuration.maxActiveSessions else {
            waiting.append(key)
            waitingSnapshots[key] = snapshot
            logger.debug("Session waits for a status box", metadata: ["session.key": "\(key)"])
            return
        }
        let record = records[key]
        let marker = record?.marker ?? StatusBox.marker(for: key)
        var box = StatusBox(
            key: key, destination: destination, marker: marker, nonce: .random(in: .min ... .max), snapshot: snapshot,
            message: ChatMessage(text: "", marker: marker, status: snapshot.state.status.rawValue),
            channelID: record?.channelID, postID: record?.postID,
            lookUp: record == nil && recordsLost && snapshot.state.foundAtStartup)
        box.wake = recentWake(for: snapshot)
        box.message = render(box)
        boxes[key] = box
        pump(key)
    }

    func refresh(_ key: String, with snapshot: SessionSnapshot) {
        guard var box = boxes[key] else { return }
        box.snapshot = snapshot
        if box.wake == nil && !box.isFinal { box.wake = recentWake(for: snapshot) }
        box.message = render(box)
        boxes[key] = box
        pump(key)
    }

    /// Frees a box whose final text is delivered, and hands the slot to the next waiting session.
    func close(_ key: String) {
        boxes[key] = nil
        parked.remove(key)
        if records.removeValue(forKey: key) != nil { persist() }
        while boxes.count < configuration.maxActiveSessions, !waiting.isEmpty {
            let next = waiting.removeFirst()
            guard let snapshot = waitingSnapshots.removeValue(forKey: next) else { continue }
            admit(next, snapshot)
        }
    }

    func render(_ box: StatusBox) -> ChatMessage {
        var text = formatter.format(box.snapshot)
        if let wake = box.wake {
            let note = " · \(wake.note)"
            if let end = text.firstIndex(of: "\n") {
                text.insert(contentsOf: note, at: end)
            } else {
                text += note
            }
        }
        return ChatMessage(text: text, marker: box.marker, status: box.snapshot.state.status.rawValue)
    }

    /// Where a session's post goes on this relay's chat: its route when the route names this chat (or no chat,
    /// on the primary relay), else the default; nothing when the route is another relay's.
    func routing(for snapshot: SessionSnapshot) -> ChatRouting {
        let fallback = configuration.defaultChannel.map { ChatDestination(target: .channel($0)) }
        guard let route = snapshot.state.descriptor.route else { return ChatRouting(destination: fallback) }
        if route.channel == poster.chat || (route.channel.isEmpty && configuration.isPrimary) {
            guard let to = route.to else { return ChatRouting(destination: fallback) }
            guard let target = poster.target(routeTo: to) else {
                return ChatRouting(
                    destination: fallback, problem: "the route's target \"\(to)\" names no \(poster.chat) conversation")
            }
            return ChatRouting(destination: ChatDestination(target: target, rootID: route.threadID))
        }
        if route.channel.isEmpty || configuration.otherChats.contains(route.channel) {
            return ChatRouting(elsewhere: true)
        }
        // A chat no relay serves: every relay posts the session to its default, and the primary one says why.
        return ChatRouting(
            destination: fallback,
            problem: configuration.isPrimary ? "no chat adapter is configured for routes to '\(route.channel)'" : nil)
    }

    private func recentWake(for snapshot: SessionSnapshot) -> WorkerWake? {
        guard let wake = wakes[snapshot.state.descriptor.agent] else { return nil }
        let age = wallClock.date.timeIntervalSince(wake.at)
        return age <= Double(configuration.wakeWindow.components.seconds) ? wake : nil
    }

    /// Schedules a write of the post ids; writes never overlap, and the last one writes the latest records.
    func persist() {
        guard store != nil else { return }
        persistPending = true
        guard !persisting, let jobs else { return }
        persisting = true
        jobs.yield(.persist)
    }
}
