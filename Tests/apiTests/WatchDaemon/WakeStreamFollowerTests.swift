import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Lifecycle
import NIOCore
import Synchronization
import Testing
import Watcher

@testable import WatchDaemon

/// A standalone watcher's wakes: `container.lazy_started` events followed over SSE from a Dormouse server.
@Suite("Wake stream follower")
struct WakeStreamFollowerTests {
    static let agent =
        #"{"name":"w1","mode":"container","container":{"image":"busybox"},"dispatch":{"type":"exec","argv":["x"]}}"#

    @Test func readsAWakeFromAnEvent() {
        let wake = WakeStreamFollower.wake(
            fromEventJSON: #"{"type":"container.lazy_started","instance":"w1","ts":1760000000000,"#
                + #""summary":"w1 woke in 312 ms","detail":{"latency_ms":312.5,"trigger":"dispatch"}}"#)
        #expect(
            wake
                == WorkerWake(
                    instance: "w1", latency: .microseconds(312_500), at: Date(timeIntervalSince1970: 1_760_000_000)))
        #expect(
            WakeStreamFollower.wake(fromEventJSON: #"{"type":"container.lazy_stopped","instance":"w1","ts":1}"#) == nil)
        #expect(WakeStreamFollower.wake(fromEventJSON: "not json") == nil)
    }

    @Test func readsAResumeFromPauseAsAWake() {
        let wake = WakeStreamFollower.wake(
            fromEventJSON: #"{"type":"container.lazy_resumed","instance":"w1","ts":1760000000000,"#
                + #""summary":"w1 woke from pause in 18 ms","detail":{"latency_ms":18,"trigger":"dispatch"}}"#)
        #expect(wake?.kind == .resume)
        #expect(wake?.latency == .milliseconds(18))
        #expect(wake?.note == "woke from pause in 18 ms")
        #expect(
            WakeStreamFollower.wake(fromEventJSON: #"{"type":"container.lazy_paused","instance":"w1","ts":1}"#) == nil)
    }

    /// In `serve --watch` the feed hears the registry's events: a resume is a wake from pause, a reconciled start
    /// or a pause none.
    @Test func theFeedTakesResumesAsWakes() async throws {
        let recorder = WakeRecorder()
        let feed = WakeFeed { recorder.record($0) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await feed.run() }
            for (kind, trigger) in [
                (LifecycleEvent.Kind.lazyStart(latency: .milliseconds(300)), LifecycleTrigger.reconcile),
                (.lazyPause(idle: .seconds(60)), .idle), (.lazyResume(latency: .milliseconds(18)), .dispatch),
                (.lazyStart(latency: .milliseconds(312)), .dispatch),
            ] {
                await feed.receive(
                    LifecycleEvent(instance: "w1", kind: kind, timestampMilliseconds: 1_000, trigger: trigger))
            }
            let wakes = await recorder.wakes(2)
            #expect(wakes.map(\.kind) == [.resume, .start])
            #expect(wakes.map(\.note) == ["woke from pause in 18 ms", "woke in 312 ms"])
            group.cancelAll()
        }
    }

    /// Bounded: a server that refused the follower's type filter would leave it never connected.
    @Test(.timeLimit(.minutes(1))) func followsTheServersResumesFromPause() async throws {
        let app = TestApp()
        try await app.run { client in
            let port = try #require(client.client.port)
            let recorder = WakeRecorder()
            let (connected, connection) = AsyncStream.makeStream(of: Void.self)
            try await Self.following(port: port, recorder: recorder, onConnected: { connection.yield() }) {
                var connections = connected.makeAsyncIterator()
                await connections.next()
                try await client.post("/agents", WarmTierAPITests.agent)
                try await client.post("/agents/w1/start")
                try await WarmTierAPITests.idleToPause(app, client, events: 2)
                #expect(try await client.post("/agents/w1/start").json["result"].string == "resumed")
                let wakes = await recorder.wakes(2)
                #expect(wakes.map(\.kind) == [.start, .resume])
            }
        }
    }

    @Test func followsTheServersWakes() async throws {
        try await TestApp().run { client in
            let port = try #require(client.client.port)
            let recorder = WakeRecorder()
            let (connected, connection) = AsyncStream.makeStream(of: Void.self)
            try await Self.following(port: port, recorder: recorder, onConnected: { connection.yield() }) {
                var connections = connected.makeAsyncIterator()
                await connections.next()
                try await client.post("/agents", Self.agent)
                try await client.post("/agents/w1/start")
                try await client.post("/agents/w1/stop")
                try await client.post("/agents/w1/start")
                let wakes = await recorder.wakes(2)
                #expect(wakes.map(\.instance) == ["w1", "w1"])
            }
        }
    }

    @Test func resumesWithLastEventIDAfterADrop() async throws {
        let server = DroppingEventServer()
        try await server.application.test(.live) { client in
            let port = try #require(client.port)
            let recorder = WakeRecorder()
            try await Self.following(port: port, recorder: recorder) {
                let wakes = await recorder.wakes(2)
                #expect(wakes.map(\.instance) == ["w1", "w2"])
            }
        }
        #expect(server.lastEventIDs == [nil, "5"])
    }

    /// Runs a follower of `127.0.0.1:port` and its feed into `recorder` while `body` runs.
    static func following(
        port: Int, recorder: WakeRecorder, onConnected: @escaping @Sendable () async -> Void = {},
        _ body: @escaping @Sendable () async throws -> Void
    ) async throws {
        let feed = WakeFeed { recorder.record($0) }
        let follower = WakeStreamFollower(
            source: .init(url: "http://127.0.0.1:\(port)", token: nil), httpClient: HTTPClient.shared, feed: feed,
            logger: TestApp.logger, firstBackoff: .milliseconds(1), maxBackoff: .milliseconds(10),
            onConnected: onConnected)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await feed.run() }
            group.addTask { try await follower.run() }
            try await body()
            group.cancelAll()
        }
    }
}

/// An `/events` stream that sends one wake and drops the connection, then on the next connection sends the
/// next wake and stays open; it records each connection's `Last-Event-ID`.
final class DroppingEventServer: Sendable {
    private let seen = Mutex<[String?]>([])

    var lastEventIDs: [String?] { seen.withLock { $0 } }

    var application: some ApplicationProtocol {
        let router = Router()
        router.get("/events") { request, _ -> Response in
            let connection = self.seen.withLock { seen in
                seen.append(request.headers[HTTPField.Name("Last-Event-ID")!])
                return seen.count
            }
            return Response(
                status: .ok, headers: [.contentType: "text/event-stream"],
                body: ResponseBody { writer in
                    try await writer.write(ByteBuffer(string: "retry: 3000\n\n: caught up\n\n"))
                    if connection == 1 {
                        try await writer.write(ByteBuffer(string: Self.frame(5, "w1")))
                    } else {
                        try await writer.write(ByteBuffer(string: Self.frame(5, "w1") + Self.frame(6, "w2")))
                        // Open until the client goes away: a write to a closed connection throws.
                        for _ in 0..<3_000 {
                            try await Task.sleep(for: .milliseconds(20))
                            try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                        }
                    }
                    try await writer.finish(nil)
                })
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    static func frame(_ id: Int, _ instance: String) -> String {
        "id: \(id)\nevent: container.lazy_started\ndata: {\"type\":\"container.lazy_started\","
            + "\"instance\":\"\(instance)\",\"ts\":1,\"detail\":{\"latency_ms\":5}}\n\n"
    }
}
