import AsyncHTTPClient
import NIOCore

/// A Server-Sent Events resource followed across dropped connections, as a browser's `EventSource` does:
/// after a drop it reconnects with `Last-Event-ID` set to the last event seen, so the server resumes after
/// it (no gap, no duplicate). It waits the server's `retry` time (kept within `firstBackoff...maxBackoff`),
/// else `firstBackoff`, doubling up to `maxBackoff` while attempts keep failing. Used by `dormouse events
/// --follow` and by the watch daemon's wake follower.
package struct ReconnectingEventStream: Sendable {
    /// What the item handler wants next.
    package enum Next: Sendable {
        case proceed
        case stop
    }

    package let client: ServerClient
    /// The path (and query) of the first request; reconnects ask for the same path.
    package let path: String
    /// The `Last-Event-ID` of the first request (nil: whatever `path` asks for).
    package var lastEventID: String?
    package var firstBackoff: Duration = .milliseconds(250)
    package var maxBackoff: Duration = .seconds(5)
    /// How the stream waits between attempts (tests pass one that returns at once or records the delays).
    package var sleep: @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }

    package init(
        client: ServerClient, path: String, lastEventID: String? = nil, firstBackoff: Duration = .milliseconds(250),
        maxBackoff: Duration = .seconds(5)
    ) {
        self.client = client
        self.path = path
        self.lastEventID = lastEventID
        self.firstBackoff = firstBackoff
        self.maxBackoff = maxBackoff
    }

    /// Reads the stream until `onItem` answers `.stop` or `shouldReconnect` answers false.
    ///
    /// `onConnected` runs each time a connection is open (answered 2xx). `shouldReconnect` is asked after each
    /// drop with its error, or nil when the server ended the stream; when it answers false, that error is
    /// thrown (nothing when the stream ended). Cancellation ends the loop with `CancellationError`.
    package func run(
        onConnected: () async -> Void = {},
        shouldReconnect: (_ failure: (any Error)?) async -> Bool,
        onItem: (EventStreamReader.Item) async -> Next
    ) async throws {
        var lastID = lastEventID
        var delay = firstBackoff
        var asked: Duration?
        while true {
            var failure: (any Error)?
            var connected = false
            do {
                let body = try await client.openStream(path, lastEventID: lastID)
                connected = true
                await onConnected()
                var reader = EventStreamReader(lastEventID: lastID ?? "")
                for try await chunk in body {
                    let items = reader.feed(chunk.readableBytesView)
                    lastID = reader.lastEventID.isEmpty ? nil : reader.lastEventID
                    for item in items {
                        if case .retry(let milliseconds) = item { asked = bounded(.milliseconds(milliseconds)) }
                        if await onItem(item) == .stop { return }
                    }
                }
            } catch {
                if Task.isCancelled { throw CancellationError() }
                failure = error
            }
            if connected { delay = asked ?? firstBackoff }
            guard await shouldReconnect(failure) else {
                if let failure { throw failure }
                return
            }
            try await sleep(delay)
            delay = min(delay * 2, maxBackoff)
        }
    }

    private func bounded(_ delay: Duration) -> Duration {
        min(max(delay, firstBackoff), maxBackoff)
    }
}
