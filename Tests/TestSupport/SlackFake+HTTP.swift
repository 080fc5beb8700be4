import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

extension SlackFake {
    /// An answer before it becomes a Hummingbird response.
    struct Reply {
        var status: Int
        var headers: [(String, String)] = []
        var body: Data
        var dropsConnection = false
        /// The `error` of an `ok: false` body.
        var errorCode: String?

        /// `{"ok": true, ...}` with HTTP 200.
        static func ok(_ members: [String: MattermostFakeJSON]) -> Reply {
            var object = members
            object["ok"] = .bool(true)
            return Reply(
                status: 200, headers: [("Content-Type", "application/json; charset=utf-8")],
                body: MattermostFakeJSON.object(object).data)
        }

        /// `{"ok": false, "error": code}`, with HTTP 200 like almost every Slack error.
        static func error(_ code: String, status: Int = 200, extra: [String: MattermostFakeJSON] = [:]) -> Reply {
            var object = extra
            object["ok"] = .bool(false)
            object["error"] = .string(code)
            return Reply(
                status: status, headers: [("Content-Type", "application/json; charset=utf-8")],
                body: MattermostFakeJSON.object(object).data, errorCode: code)
        }

        /// HTTP 429, `Retry-After` in seconds and `{"ok": false, "error": "ratelimited"}`.
        static func rateLimited(retryAfter: Int?) -> Reply {
            var reply = error("ratelimited", status: 429)
            if let retryAfter { reply.headers.append(("Retry-After", "\(retryAfter)")) }
            return reply
        }

        static func plainText(status: Int, _ text: String) -> Reply {
            Reply(status: status, headers: [("Content-Type", "text/plain; charset=utf-8")], body: Data(text.utf8))
        }
    }

    /// Records the request, applies any scripted fault, else answers it from the state.
    func respond(to request: Request) async -> Response {
        var request = request
        let body = (try? await request.collectBody(upTo: 16 * 1024 * 1024)) ?? ByteBuffer()
        let path = request.uri.path
        let (index, recorded, fault) = state.withLock { state in
            let recorded = RecordedRequest(
                httpMethod: request.method.rawValue,
                method: path.hasPrefix("/api/") ? String(path.dropFirst(5)) : path, query: request.uri.query ?? "",
                contentType: request.headers[.contentType], authorization: request.headers[.authorization],
                time: state.now(clock), body: Data(body.readableBytesView), status: 0)
            state.requests.append(recorded)
            return (state.requests.count - 1, recorded, state.takeFault(for: recorded))
        }
        notifyWaiters()
        if case .delay(let duration) = fault { try? await Task.sleep(for: duration) }
        var reply: Reply
        if let fault, let faulted = Reply(fault) {
            reply = faulted
            if case .appliedThen = fault { _ = state.withLock { $0.answer(recorded, token: token, clock: clock) } }
        } else {
            reply = state.withLock { $0.answer(recorded, token: token, clock: clock) }
        }
        state.withLock { state in
            state.requests[index].status = reply.dropsConnection ? 0 : reply.status
            state.requests[index].error = reply.errorCode
        }
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
                    try await writer.write(ByteBuffer(string: "{\"ok\":"))
                    throw MattermostFakeError.droppedConnection
                })
        }
        return Response(
            status: HTTPResponse.Status(code: reply.status), headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: reply.body)))
    }
}

/// A refusal a check returns as the failure of a `Result`.
extension SlackFake.Reply: Error {}

extension SlackFake.RecordedRequest {
    /// The call's arguments: URL parameters, then a form-encoded or JSON body (a JSON body's members as JSON).
    var arguments: [String: MattermostFakeJSON] {
        var arguments: [String: MattermostFakeJSON] = [:]
        for (key, value) in Self.formItems(query) { arguments[key] = .string(value) }
        if contentType?.hasPrefix("application/x-www-form-urlencoded") == true {
            for (key, value) in Self.formItems(bodyText) { arguments[key] = .string(value) }
        } else if let object = json?.objectValue {
            arguments.merge(object) { $1 }
        }
        return arguments
    }

    /// The members of a query string or form body, percent-decoded (`+` is a space).
    static func formItems(_ text: String) -> [(String, String)] {
        text.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            return (parts[0], parts.count > 1 ? parts[1] : "")
        }
    }
}
