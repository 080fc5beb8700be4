import HTTPTypes
import Hummingbird
import NIOCore
import Registry
import ServiceLifecycle

/// `GET /events`: lifecycle events as Server-Sent Events. With `Last-Event-ID` (or `?after_id=`) every audit
/// row after that id is replayed from SQLite first, then the stream goes on live with no gap and no
/// duplicate. Filters: `?instance=` and `?type=` (broadcast names, comma-separated).
struct EventStreamController<C: Clock<Duration>>: Sendable {
    let broadcaster: EventBroadcaster<C>
    let auditLog: SQLiteAuditLog
    /// How long a client waits before reconnecting, sent as `retry:` on connect.
    static var retryMilliseconds: Int { 3_000 }

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/events") { request, _ in try await stream(request) }
    }

    private func stream(_ request: Request) async throws -> Response {
        let filter = try Self.filter(of: request)
        let resumeAfter = try Self.resumeAfter(request)
        // Subscribe before replaying: rows up to `liveAfter` come from the table, later ones live.
        let subscription = await broadcaster.subscribe(filter)
        let body = ResponseBody { writer in
            defer { subscription.end() }
            try await writer.write(ByteBuffer(string: "retry: \(Self.retryMilliseconds)\n\n"))
            var lastSent = subscription.liveAfter
            if let resumeAfter {
                try await replay(after: resumeAfter, upTo: subscription.liveAfter, filter, into: &writer)
            }
            // Tells clients that read history (`dormouse events` without --follow) where it ends.
            try await writer.write(ByteBuffer(string: ": caught up\n\n"))
            // Streams end on graceful shutdown so the server's drain (and SIGTERM) is never held up.
            try await withGracefulShutdownHandler {
                for await element in subscription.stream {
                    switch element {
                    case .event(let record, let frame):
                        guard record.id > lastSent else { continue }
                        lastSent = record.id
                        try await writer.write(frame)
                    case .heartbeat:
                        try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                    }
                }
            } onGracefulShutdown: {
                subscription.end()
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-store"],
            body: body)
    }

    private func replay(
        after start: Int64, upTo end: Int64, _ filter: EventBroadcaster<C>.Filter,
        into writer: inout some ResponseBodyWriter
    ) async throws {
        var cursor = start
        while cursor < end {
            let page = try await auditLog.events(instance: filter.instance, afterID: cursor, limit: 500)
            for record in page where record.id <= end && filter.matches(record) {
                try await writer.write(ByteBuffer(string: EventFrame.frame(of: record)))
            }
            guard let last = page.last else { return }
            cursor = last.id
        }
    }

    private static func filter(of request: Request) throws -> EventBroadcaster<C>.Filter {
        var filter = EventBroadcaster<C>.Filter(instance: request.uri.queryParameters.get("instance"))
        if let raw = request.uri.queryParameters.get("type") {
            let types = Set(raw.split(separator: ",").map(String.init))
            let unknown = types.subtracting(EventFrame.broadcastTypes)
            guard unknown.isEmpty else {
                throw Query.invalid("type", "must be one of \(EventFrame.broadcastTypes.joined(separator: ", "))")
            }
            filter.types = types
        }
        return filter
    }

    private static func resumeAfter(_ request: Request) throws -> Int64? {
        if let header = request.headers[.lastEventID] {
            guard let id = Int64(header), id >= 0 else {
                throw Problem(.badRequest, "invalid-header", "Last-Event-ID must be an audit row id")
            }
            return id
        }
        return try Query.integer("after_id", in: request, range: 0...Int.max).map(Int64.init)
    }
}

extension HTTPField.Name {
    /// The SSE resume header.
    static var lastEventID: Self { Self("Last-Event-ID")! }
}
