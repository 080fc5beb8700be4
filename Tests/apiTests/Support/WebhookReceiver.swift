import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization
import TestSupport
import Testing

/// A webhook receiver on loopback (an ephemeral port) that records every request and answers as told: a status
/// (2xx or a failure), or not at all until told otherwise (a receiver that hangs, for timeouts).
final class WebhookReceiver: Sendable {
    /// One request as it arrived.
    struct Delivery: Sendable {
        var path: String
        var headers: HTTPFields
        var body: String
        /// What it was answered: a status, or 0 while it hangs (and when it was never answered).
        var status: Int

        var eventID: Int64? { headers[HTTPField.Name("Dormouse-Event-Id")!].flatMap { Int64($0) } }
        var signature: String? { headers[HTTPField.Name("Dormouse-Signature")!] }
    }

    /// How the next requests are answered.
    enum Mode: Sendable {
        case answer(Int)
        /// Holds every request until the mode changes or the receiver stops.
        case hang
    }

    private struct State {
        var mode = Mode.answer(200)
        var deliveries: [Delivery] = []
        var held: [CheckedContinuation<Void, Never>] = []
        var task: Task<Void, Never>?
        var port = 0
    }

    /// The status a held request is recorded with when it is let go.
    static let released = 504

    private let state = Mutex(State())
    private let changes = ChangeSignal()
    /// Real time each answer waits before it is sent (to slow a receiver down).
    let answerDelay: Duration

    init(answerDelay: Duration = .zero) {
        self.answerDelay = answerDelay
    }

    var port: Int { state.withLock { $0.port } }
    var url: String { "http://127.0.0.1:\(port)/hook" }
    var deliveries: [Delivery] { state.withLock { $0.deliveries } }
    /// The event ids of the requests answered 2xx, in order.
    var acceptedIDs: [Int64] { deliveries.filter { (200..<300).contains($0.status) }.compactMap(\.eventID) }

    /// Answers the next requests (and any held one) with `mode`.
    func set(_ mode: Mode) {
        let held = state.withLock { state in
            state.mode = mode
            guard case .answer = mode else { return [CheckedContinuation<Void, Never>]() }
            defer { state.held = [] }
            return state.held
        }
        for waiter in held { waiter.resume() }
    }

    /// Returns once `condition` holds for the deliveries (checked on each change); fails the test after `limit`.
    @discardableResult
    func waitUntil(
        within limit: Duration = .seconds(30), sourceLocation: SourceLocation = #_sourceLocation,
        _ condition: @escaping @Sendable ([Delivery]) -> Bool
    ) async -> [Delivery] {
        await changes.expect(within: limit, sourceLocation: sourceLocation) {
            let all = self.deliveries
            return condition(all) ? all : nil
        } ?? deliveries
    }

    func start() async throws {
        let (ports, portsContinuation) = AsyncStream.makeStream(of: Int.self)
        let responder = CallbackResponder<BasicRequestContext> { [self] request, _ in
            await self.respond(to: request)
        }
        var logger = Logger(label: "webhook-receiver")
        logger.logLevel = .critical
        let app = Application(
            responder: responder,
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "webhook-receiver"),
            onServerRunning: { channel in portsContinuation.yield(channel.localAddress?.port ?? 0) },
            logger: logger)
        let task = Task {
            try? await app.run()
            portsContinuation.finish()
        }
        var iterator = ports.makeAsyncIterator()
        let port = await iterator.next() ?? 0
        state.withLock {
            $0.task = task
            $0.port = port
        }
        guard port > 0 else { throw CLIProcessError("the webhook receiver did not listen") }
    }

    func stop() async {
        let task = state.withLock { state in
            state.mode = .answer(503)
            return state.task
        }
        set(.answer(503))
        task?.cancel()
        await task?.value
    }

    /// Runs `body` with a started receiver, stopped afterwards.
    static func withRunning<T>(
        answerDelay: Duration = .zero, _ body: (WebhookReceiver) async throws -> T
    ) async throws -> T {
        let receiver = WebhookReceiver(answerDelay: answerDelay)
        try await receiver.start()
        do {
            let result = try await body(receiver)
            await receiver.stop()
            return result
        } catch {
            await receiver.stop()
            throw error
        }
    }

    private func respond(to request: Request) async -> Response {
        var request = request
        let body = (try? await request.collectBody(upTo: 1 << 20)) ?? ByteBuffer()
        let index = state.withLock { state in
            state.deliveries.append(
                Delivery(
                    path: request.uri.path, headers: request.headers, body: String(buffer: body), status: 0))
            return state.deliveries.count - 1
        }
        changes.notify()
        var status = 0
        switch state.withLock({ $0.mode }) {
        case .answer(let code): status = code
        case .hang:
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state in
                    if case .answer = state.mode { return true }
                    state.held.append(continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
            // Its sender gave up long ago (a timeout): recorded as never accepted.
            status = WebhookReceiver.released
        }
        if answerDelay > .zero { try? await Task.sleep(for: answerDelay) }
        state.withLock { $0.deliveries[index].status = status }
        changes.notify()
        return Response(status: .init(code: status))
    }
}
