import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A Kubernetes API server for tests: a real HTTP server on loopback (an ephemeral port) that answers the calls
/// Dormouse makes on Deployments the way the API server documents them (see `KubernetesFake+Routes.swift`):
/// bearer-token auth (401 with a Status), GET of a Deployment and of its `scale` subresource, PUT of the scale
/// with optimistic concurrency (409 Conflict on a stale `resourceVersion`), a `fieldSelector` list, and a watch
/// that replays from a `resourceVersion`, frames one JSON event per line, sends bookmarks when asked and answers
/// a compacted version with an ERROR event carrying a 410 Status.
///
/// It also plays the Deployment controller and the kubelet, but only as far as tests script them: a scale write
/// is followed at once by a status write (`observedGeneration`, `replicas`); a pod becomes ready only when the
/// test calls `markReady` (or with `readyOnScaleUp`). Tests read every request and await conditions.
package final class KubernetesFake: Sendable {
    /// The token a request must carry as `Authorization: Bearer <token>`.
    package let token: String
    let state = Mutex(State())
    /// Notified after every request, so tests await one instead of sleeping.
    let changes = ChangeSignal()
    private let logger: Logger
    private let server = Mutex<(task: Task<Void, Never>?, port: Int?)>((nil, nil))

    package init(token: String = "fake-service-account-token") {
        self.token = token
        var logger = Logger(label: "kubernetes-fake")
        logger.logLevel = .critical
        self.logger = logger
    }

    /// The port the server listens on; 0 before `start()`.
    package var port: Int { server.withLock { $0.port ?? 0 } }

    /// `http://127.0.0.1:<port>`, the server URL to give a connection.
    package var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Starts the HTTP server on 127.0.0.1 and an ephemeral port; returns once it listens.
    package func start() async throws {
        let (ports, portsContinuation) = AsyncStream.makeStream(of: Int.self)
        let responder = CallbackResponder<BasicRequestContext> { [self] request, _ in
            await self.respond(to: request)
        }
        let app = Application(
            responder: responder,
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "kubernetes-fake"),
            onServerRunning: { channel in portsContinuation.yield(channel.localAddress?.port ?? 0) },
            logger: logger)
        let task = Task {
            try? await app.run()
            portsContinuation.finish()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            task.cancel()
            throw KubernetesFakeError.notListening
        }
        server.withLock { $0 = (task, port) }
    }

    /// Ends every watch, stops the server and waits until it has closed its connections.
    package func stop() async {
        endWatches()
        let task = server.withLock { server in
            defer { server.task = nil }
            return server.task
        }
        task?.cancel()
        await task?.value
    }

    /// Runs `body` with a started fake, stopped afterwards (also when `body` throws).
    package static func withRunning<T>(
        token: String = "fake-service-account-token", _ body: (KubernetesFake) async throws -> T
    ) async throws -> T {
        let fake = KubernetesFake(token: token)
        try await fake.start()
        do {
            let result = try await body(fake)
            await fake.stop()
            return result
        } catch {
            await fake.stop()
            throw error
        }
    }
}

extension KubernetesFake {
    /// The value `condition` returns once it is not nil, checked now and after each request.
    /// - Throws: `WaitTimedOut` past `limit`.
    package func waitFor<T>(
        within limit: Duration = .seconds(10), _ condition: @escaping (KubernetesFake) -> T?
    ) async throws -> T {
        try await changes.wait(within: limit) { condition(self) }
    }

    /// Waits until `count` watch requests have been answered in all.
    package func waitForWatches(_ count: Int, within limit: Duration = .seconds(10)) async throws {
        _ = try await waitFor(within: limit) { fake in fake.requests.filter(\.isWatch).count >= count ? true : nil }
    }
}

/// The fake could not start.
package enum KubernetesFakeError: Error {
    case notListening
}
