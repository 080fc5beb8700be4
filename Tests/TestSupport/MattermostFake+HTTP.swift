import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

extension MattermostFake {
    /// An answer before it becomes a Hummingbird response.
    struct Reply {
        var status: Int
        var headers: [(String, String)] = []
        var body: Data
        var dropsConnection = false

        static func json(_ status: Int, _ value: MattermostFakeJSON) -> Reply {
            Reply(status: status, headers: [("Content-Type", "application/json")], body: value.data)
        }

        /// Mattermost's error body: `{id, message, detailed_error, request_id, status_code}` (model/utils.go).
        static func appError(status: Int, id: String, message: String? = nil) -> Reply {
            let requestID = MattermostFake.newID()
            var reply = json(
                status,
                .object([
                    "id": .string(id), "message": .string(message ?? messages[id] ?? id), "detailed_error": "",
                    "request_id": .string(requestID), "status_code": .int(Int64(status)),
                ]))
            reply.headers.append(("X-Request-Id", requestID))
            return reply
        }

        static func plainText(status: Int, _ text: String) -> Reply {
            Reply(
                status: status,
                headers: [("Content-Type", "text/plain; charset=utf-8"), ("X-Content-Type-Options", "nosniff")],
                body: Data(text.utf8))
        }

        /// The English texts of the AppError ids the fake answers (i18n/en.json).
        static let messages = [
            "api.context.session_expired.app_error": "Invalid or expired session, please login again.",
            "api.context.permissions.app_error": "You do not have the appropriate permissions.",
            "api.context.invalid_param.app_error": "Invalid or missing parameter in request.",
            "api.context.404.app_error": "Sorry, we could not find the page.",
            "app.post.get.app_error": "Unable to get the post.",
            "app.channel.get.existing.app_error": "Unable to find the existing channel.",
            "model.post.is_valid.message_length.app_error":
                "Post Message property is longer than the maximum permitted length.",
            "api.post.create_post.root_id.app_error": "Invalid RootId parameter.",
            "api.channel.create_direct_channel.invalid_user.app_error":
                "Invalid user ID for direct channel creation.",
            "api.post.deduplicate_create_post.failed_to_get":
                "Failed to fetch original post after deduplicating a client repeating the same request.",
        ]
    }

    /// Records the request, applies any scripted fault, else answers it from the state.
    func respond(to request: Request) async -> Response {
        var request = request
        let body = (try? await request.collectBody(upTo: 16 * 1024 * 1024)) ?? ByteBuffer()
        let (index, recorded, fault) = state.withLock { state in
            let recorded = RecordedRequest(
                method: request.method.rawValue, path: request.uri.path, query: request.uri.query ?? "",
                authorization: request.headers[.authorization], time: state.now(clock),
                body: Data(body.readableBytesView),
                status: 0)
            state.requests.append(recorded)
            return (state.requests.count - 1, recorded, state.takeFault(for: recorded))
        }
        notifyWaiters()
        if case .delay(let duration) = fault { try? await Task.sleep(for: duration) }
        let reply =
            fault.flatMap(Reply.init)
            ?? state.withLock { state in state.answer(recorded, token: token, at: state.now(clock)) }
        state.withLock { $0.requests[index].status = reply.dropsConnection ? 0 : reply.status }
        notifyWaiters()
        return response(reply)
    }

    private func response(_ reply: Reply) -> Response {
        var fields = HTTPFields()
        for (name, value) in reply.headers {
            if let name = HTTPField.Name(name) { fields.append(HTTPField(name: name, value: value)) }
        }
        guard !reply.dropsConnection else {
            // A body shorter than its declared length, then an error: the server closes the connection mid-answer.
            return Response(
                status: .ok, headers: fields,
                body: ResponseBody(contentLength: 1024) { writer in
                    try await writer.write(ByteBuffer(string: "{\"id\":"))
                    throw MattermostFakeError.droppedConnection
                })
        }
        return Response(
            status: HTTPResponse.Status(code: reply.status), headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: reply.body)))
    }
}

extension MattermostFake.State {
    /// The fake's time: the wall clock plus every `advanceClock(by:)`.
    func now(_ clock: () -> Date) -> Date { clock().addingTimeInterval(clockOffset) }

    /// The normal answer: the rate limiter, then the token, then the route (the order of Mattermost's handlers).
    mutating func answer(_ request: MattermostFake.RecordedRequest, token: String, at now: Date) -> MattermostFake.Reply
    {
        let limited = rateLimitHeaders(at: now)
        var reply: MattermostFake.Reply
        if limited?.refused == true {
            reply = .plainText(status: 429, "limit exceeded\n")
        } else if request.authorization != "Bearer \(token)" {
            reply = .appError(status: 401, id: "api.context.session_expired.app_error")
        } else {
            reply = route(request, at: now)
        }
        reply.headers += limited?.headers ?? []
        return reply
    }
}
