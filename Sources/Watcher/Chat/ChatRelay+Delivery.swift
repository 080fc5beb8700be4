import Logging

extension ChatRelay {
    /// Sends a box's text if it changed and its post may be written now; otherwise arms a timer for when it
    /// may (throttle, retry backoff, rate limit) or parks it until the circuit breaker lets a request through.
    func pump(_ key: String) {
        guard var box = boxes[key], !box.inFlight, !parked.contains(key) else { return }
        guard box.isDirty else {
            if box.isFinal && !shuttingDown { close(key) }
            if shuttingDown { finishIfFlushed() }
            return
        }
        let now = clock.now()
        var due = now
        // At shutdown the last edit of each post goes out at once; the throttle only spaces live edits.
        if !shuttingDown, let last = box.lastSendAt { due = max(due, last + configuration.throttle) }
        if let retryAt = box.retryAt { due = max(due, retryAt) }
        if let limit = rateLimitedUntil { due = max(due, limit) }
        if let cooldown = breaker.openUntil { due = max(due, cooldown) }
        let lane = box.lane
        if poster.channelPace > .zero, let last = channelSentAt[lane] { due = max(due, last + poster.channelPace) }
        guard due <= now else { return arm(key, at: due) }
        switch breaker.permit(at: now) {
        case .rejected(let until):
            if let until { return arm(key, at: until) }
            parked.insert(key)
            return
        case .allowed, .probe:
            break
        }
        box.inFlight = true
        box.lastSendAt = now
        boxes[key] = box
        if poster.channelPace > .zero { channelSentAt[lane] = now }
        jobs?.yield(
            .deliver(
                StatusDelivery(
                    key: key, message: box.message, destination: box.destination, channelID: box.channelID,
                    postID: box.postID, lookUp: box.lookUp, pendingID: box.pendingID)))
    }

    /// Wakes the box at `deadline` unless an earlier timer is already armed (that one re-arms on firing).
    private func arm(_ key: String, at deadline: Duration) {
        guard var box = boxes[key] else { return }
        if let armed = box.timer, armed <= deadline { return }
        box.timer = deadline
        boxes[key] = box
        jobs?.yield(.timer(key: key, deadline: deadline))
    }

    func timerFired(_ key: String, deadline: Duration) {
        guard var box = boxes[key], box.timer == deadline else { return }
        box.timer = nil
        boxes[key] = box
        pump(key)
    }

    /// Takes in the outcome of one attempt and decides what the box does next.
    func finished(_ delivery: StatusDelivery, _ outcome: StatusDelivery.Outcome) {
        let key = delivery.key
        guard var box = boxes[key] else { return }
        box.inFlight = false
        // The throttle counts from the answer too: a request that waited in the connection pool must not reach
        // the server less than THROTTLE_MS after the one before it.
        box.lastSendAt = clock.now()
        switch outcome {
        case .delivered(let post, let created, let adopted, let replaced):
            updatesSent += 1
            serverUnreachable = false
            if breaker.recordSuccess() { logger.notice("Chat server answers again; circuit closed") }
            if let replaced {
                logger.info(
                    "Status post can no longer be edited; created a new one",
                    metadata: ["session.key": "\(key)", "chat.post_id": "\(post.id)", "error": "\(replaced)"])
            }
            if adopted {
                logger.info("Found the session's status post again", metadata: ["chat.post_id": "\(post.id)"])
            }
            if created { box.creates += 1 }
            box.channelID = post.channelID
            box.postID = post.id
            box.delivered = delivery.message.text
            box.failures = 0
            box.retryAt = nil
            box.lookUp = false
            let record = PostStore.Record(postID: post.id, channelID: post.channelID, marker: box.marker)
            if records[key] != record {
                records[key] = record
                persist()
            }
        case .failed(let error, let channelID):
            box.channelID = channelID ?? box.channelID
            noteFailure(error, of: &box, message: delivery.message)
        }
        // Paced from the answer too, under the channel id the answer made known.
        if poster.channelPace > .zero { channelSentAt[box.lane] = box.lastSendAt }
        boxes[key] = box
        unparkAll()
        pump(key)
        if !settledWaiters.isEmpty && !boxes.values.contains(where: \.inFlight) {
            let waiters = settledWaiters
            settledWaiters = []
            waiters.forEach { $0.resume() }
        }
    }

    private func noteFailure(_ error: ChatError, of box: inout StatusBox, message: ChatMessage) {
        let now = clock.now()
        updatesFailed += 1
        lastError = error.description
        if error.isServerFailure {
            if breaker.recordFailure(at: now) {
                logger.warning("Chat server keeps failing; circuit opened", metadata: ["error": "\(error)"])
            }
        } else {
            breaker.recordNeutral()
        }
        guard error.isRetryable else {
            // Retrying the same request cannot help; the next change of the session tries again.
            logger.error(
                "Chat server refused a status update", metadata: ["session.key": "\(box.key)", "error": "\(error)"])
            box.delivered = message.text
            box.failures = 0
            return
        }
        box.failures += 1
        let delay = error.retryAfter ?? backoff.delay(attempt: box.failures)
        box.retryAt = now + delay
        if error.isRateLimited {
            rateLimitedUntil = max(rateLimitedUntil ?? now, now + delay)
            logger.warning("Chat server rate limited us", metadata: ["retry.after_ms": "\(delay)"])
        } else {
            logger.debug(
                "Status update failed, will retry", metadata: ["session.key": "\(box.key)", "error": "\(error)"])
        }
    }

    /// Lets parked boxes ask the breaker again once a request came back (the probe may have closed it).
    private func unparkAll() {
        guard !parked.isEmpty else { return }
        let keys = parked.sorted()
        parked.removeAll()
        for key in keys { pump(key) }
    }
}
