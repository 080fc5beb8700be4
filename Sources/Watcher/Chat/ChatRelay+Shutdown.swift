import Logging

extension ChatRelay {
    /// The update stream ended: marks every open box `interrupted` and sends it at once, bounded in time.
    func beginShutdown() {
        shuttingDown = true
        let deadline = clock.now() + configuration.shutdownFlushTimeout
        for key in boxes.keys.sorted() {
            guard var box = boxes[key] else { continue }
            box.snapshot = Self.interrupted(box.snapshot)
            box.message = render(box)
            // A parked or backing-off box still gets its chance within the bound.
            box.retryAt = box.retryAt.map { min($0, deadline) }
            boxes[key] = box
        }
        jobs?.yield(.shutdownDeadline(deadline))
        for key in boxes.keys.sorted() { pump(key) }
        finishIfFlushed()
    }

    /// Ends the run once every box shows its last text (or was given up on).
    func finishIfFlushed() {
        guard shuttingDown, !boxes.values.contains(where: { $0.isDirty || $0.inFlight }) else { return }
        logger.info("Every status post is up to date", metadata: ["chat.boxes": "\(boxes.count)"])
        finish()
    }

    func shutdownTimedOut() {
        guard shuttingDown else { return }
        let pending = boxes.values.filter(\.isDirty).map(\.key).sorted()
        logger.warning(
            "Gave up flushing status posts at shutdown",
            metadata: ["chat.unflushed": "\(pending.count)", "session.keys": "\(pending.prefix(10))"])
        finish()
    }

    private func finish() {
        persist()
        jobs?.finish()
        jobs = nil
    }

    /// The snapshot with this session and every active descendant marked `interrupted`.
    static func interrupted(_ snapshot: SessionSnapshot) -> SessionSnapshot {
        var result = snapshot
        if result.state.status == .active {
            result.state.status = .interrupted
            result.state.completedAt = snapshot.takenAt
        }
        result.children = snapshot.children.map(interrupted)
        return result
    }
}
