import AsyncHTTPClient
import InMemoryLogging
import Lifecycle
import Logging
import NIOCore
import NIOPosix
import TestSupport
import Testing

@testable import Registry

/// An `http` worker that cannot be reached yet (refusing, or behind an address the network does not route yet, so
/// the connection attempt times out) is tried again within the reach window; the request is sent once.
@Suite("HTTP delivery to a worker not reachable yet", .timeLimit(.minutes(1)))
struct WorkerDeliveryReachTests {
    static let agent = AgentDefinition(
        name: "web", mode: .container, lifecycle: .lazy, container: ContainerBlock(name: "web"),
        dispatch: .http(port: 8080, path: "/task", timeoutSeconds: 60))

    /// A delivery whose client gives up a connection attempt after 200 ms (so a dropped attempt is seen
    /// quickly), with the client to shut down and the log its retries are read from.
    static func delivery(window: Duration) -> (WorkerDelivery, HTTPClient, InMemoryLogHandler) {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .milliseconds(200), read: nil)
        let client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: configuration)
        let (logger, logs) = InMemoryLogHandler.logger()
        return (WorkerDelivery(httpClient: client, logger: logger, reachWindow: window), client, logs)
    }

    static func deliver(
        _ delivery: WorkerDelivery, to port: Int, _ payload: String
    ) async throws -> WorkerDelivery.Result {
        var agent = agent
        agent.dispatch = .http(port: port, path: "/task", timeoutSeconds: 60)
        let task = TaskRecord(id: "t-\(port)", agent: "web", payload: .string(payload), createdAt: 0)
        return try await delivery.deliver(
            task, to: agent, worker: WorkerReach(runtime: nil, container: "web", httpHost: "127.0.0.1"))
    }

    static func retries(_ logs: InMemoryLogHandler, _ reason: String) -> Int {
        logs.entries.filter { $0.message == "worker not reachable yet; retrying" && $0.text("reason") == reason }.count
    }

    @Test func aWorkerWhoseConnectionAttemptsTimeOutGetsTheTaskOnceItAnswers() async throws {
        let worker = try await HeldListener.start(holding: true)
        let (delivery, client, logs) = Self.delivery(window: .seconds(30))
        let port = worker.port
        let sent = Task { try await Self.deliver(delivery, to: port, "woken") }
        do {
            try await waitUntil(within: .seconds(20)) { Self.retries(logs, "connect timeout") >= 2 }
            try await worker.release()
            let result = try await sent.value
            #expect(result.httpStatus == 200 && result.succeeded)
            #expect(result.output == #"worker got: "woken""#)
        } catch {
            sent.cancel()
            await worker.stop()
            try await client.shutdown()
            throw error
        }
        await worker.stop()
        try await client.shutdown()
    }

    @Test func aWorkerThatRefusesAtFirstGetsTheTaskOnceItListens() async throws {
        // A port that was free a moment ago: nothing listens there until the test starts the worker on it.
        let probe = try await HeldListener.start(holding: false)
        let port = probe.port
        await probe.stop()
        let (delivery, client, logs) = Self.delivery(window: .seconds(30))
        let sent = Task { try await Self.deliver(delivery, to: port, "refused first") }
        var worker: HeldListener?
        do {
            try await waitUntil(within: .seconds(20)) { Self.retries(logs, "connection refused") >= 1 }
            worker = try await HeldListener.start(port: port, holding: false)
            let result = try await sent.value
            #expect(result.output == #"worker got: "refused first""#)
        } catch {
            sent.cancel()
            await worker?.stop()
            try await client.shutdown()
            throw error
        }
        await worker?.stop()
        try await client.shutdown()
    }

    @Test func aWorkerNeverReachedFailsWithTheConnectErrorAfterTheWindow() async throws {
        let worker = try await HeldListener.start(holding: true)
        let (delivery, client, logs) = Self.delivery(window: .seconds(1))
        let started = ContinuousClock.now
        await #expect(throws: HTTPClientError.connectTimeout) {
            try await Self.deliver(delivery, to: worker.port, "never")
        }
        let took = started.duration(to: .now)
        #expect(Self.retries(logs, "connect timeout") >= 1)
        // No try starts past the window, so it ends within it plus one connect timeout.
        #expect(took < .seconds(1) + .milliseconds(200) + .seconds(5), "\(took)")
        await worker.stop()
        try await client.shutdown()
    }

    @Test func onlyErrorsFromBeforeTheRequestLeftAreRetried() {
        #expect(WorkerDelivery.unreached(HTTPClientError.connectTimeout) == "connect timeout")
        #expect(WorkerDelivery.unreached(HTTPClientError.readTimeout) == nil)
        #expect(WorkerDelivery.unreached(HTTPClientError.remoteConnectionClosed) == nil)
        let refused = NIOConnectionErrorText("connect(2): Connection refused")
        #expect(WorkerDelivery.unreached(refused) == "connection refused")
        #expect(WorkerDelivery.unreached(NIOConnectionErrorText("connect(2): No route to host")) == "no route")
    }
}

/// An error whose text is a system error's, as NIO's connection errors print.
private struct NIOConnectionErrorText: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
