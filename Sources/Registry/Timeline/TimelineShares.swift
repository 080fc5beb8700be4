/// How a window's time was spent: seconds awake, paused and asleep, the share asleep, and the memory sleeping
/// workers did not hold.
package struct TimelineShares: Sendable, Hashable {
    package var awakeMilliseconds: Int64 = 0
    package var pausedMilliseconds: Int64 = 0
    package var asleepMilliseconds: Int64 = 0
    /// Memory × time asleep, in byte-milliseconds, over the asleep spans whose stop recorded the worker's memory;
    /// nil when none did.
    package var memoryByteMilliseconds: Double?

    var totalMilliseconds: Int64 { awakeMilliseconds + pausedMilliseconds + asleepMilliseconds }

    /// Adds one span. A paused worker still holds its memory, so only asleep time counts as memory not held.
    mutating func add(_ span: TimelineSpan) {
        let length = span.to - span.from
        switch span.state {
        case .awake: awakeMilliseconds += length
        case .paused: pausedMilliseconds += length
        case .asleep:
            asleepMilliseconds += length
            if let bytes = span.began?.memoryBytes {
                memoryByteMilliseconds = (memoryByteMilliseconds ?? 0) + bytes * Double(length)
            }
        }
    }

    mutating func add(_ other: TimelineShares) {
        awakeMilliseconds += other.awakeMilliseconds
        pausedMilliseconds += other.pausedMilliseconds
        asleepMilliseconds += other.asleepMilliseconds
        if let memory = other.memoryByteMilliseconds {
            memoryByteMilliseconds = (memoryByteMilliseconds ?? 0) + memory
        }
    }
}
