import Lifecycle

/// The engine's events for one container, awaited one kind at a time.
actor EngineEvents {
    private var iterator: AsyncThrowingStream<ContainerEvent, any Error>.AsyncIterator
    let container: String

    init(_ stream: AsyncThrowingStream<ContainerEvent, any Error>, container: String) {
        self.iterator = stream.makeAsyncIterator()
        self.container = container
    }

    /// Skips to the container's next event of `kind` (a `die` matches any exit code).
    func next(_ kind: ContainerEvent.Action) async throws -> ContainerEvent {
        try await next("\(kind)") { action in
            if case .die = action, case .die = kind { return true }
            return action == kind
        }
    }

    /// Skips to the container's next event whose action starts with `prefix` (`exec_start`, for example).
    func next(prefix: String) async throws -> ContainerEvent {
        try await next(prefix) { action in
            if case .other(let name) = action { return name.hasPrefix(prefix) }
            return false
        }
    }

    private func next(_ what: String, where matches: (ContainerEvent.Action) -> Bool) async throws -> ContainerEvent {
        var iterator = self.iterator
        defer { self.iterator = iterator }
        while let event = try await iterator.next(isolation: self) {
            if event.containerName == container, matches(event.action) { return event }
        }
        throw EngineEventsError(description: "the engine's event stream ended before a \(what) of \(container)")
    }
}

struct EngineEventsError: Error, CustomStringConvertible {
    var description: String
}
