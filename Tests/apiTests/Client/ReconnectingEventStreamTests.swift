import AsyncHTTPClient
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

@testable import DormouseClient

/// The stream that `dormouse events --follow` and the wake follower share, over real HTTP on loopback; its
/// sleep records the delays instead of waiting them.
@Suite("Reconnecting event stream")
struct ReconnectingEventStreamTests {
    /// A stream of `127.0.0.1:port` whose waits are recorded in `delays` and return at once.
    static func stream(
        port: Int, firstBackoff: Duration, maxBackoff: Duration, delays: Delays
    ) -> ReconnectingEventStream {
        var stream = ReconnectingEventStream(
            client: ServerClient(http: .shared, baseURL: "http://127.0.0.1:\(port)", token: nil), path: "/events",
            firstBackoff: firstBackoff, maxBackoff: maxBackoff)
        stream.sleep = { delay in delays.record(delay) }
        return stream
    }

    /// The server asks `retry: 3000` and drops the first connection after event 5.
    @Test(arguments: [(Duration.seconds(5), Duration.seconds(3)), (.seconds(1), .seconds(1))])
    func resumesWithLastEventIDAfterTheServersRetryTime(maxBackoff: Duration, expectedDelay: Duration) async throws {
        let server = DroppingEventServer()
        let delays = Delays()
        try await server.application.test(.live) { client in
            let port = try #require(client.port)
            let stream = Self.stream(port: port, firstBackoff: .milliseconds(1), maxBackoff: maxBackoff, delays: delays)
            var ids: [String] = []
            try await stream.run { failure in
                failure == nil
            } onItem: { item in
                guard case .event(let event) = item else { return .proceed }
                ids.append(event.id)
                return event.id == "6" ? .stop : .proceed
            }
            #expect(ids == ["5", "5", "6"])
        }
        #expect(server.lastEventIDs == [nil, "5"])
        #expect(delays.all == [expectedDelay])
    }

    /// Every attempt is answered 503 (a connection refused would make the HTTP client retry until the
    /// request's deadline).
    @Test func backsOffDoublingWhileTheServerFails() async throws {
        let router = Router()
        router.get("/events") { _, _ -> Response in Response(status: .serviceUnavailable) }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        let delays = Delays()
        try await app.test(.live) { client in
            let stream = Self.stream(
                port: try #require(client.port), firstBackoff: .milliseconds(250), maxBackoff: .seconds(1),
                delays: delays)
            var failures = 0
            await #expect(throws: CLIError.self) {
                try await stream.run { _ in
                    failures += 1
                    return failures < 5
                } onItem: { _ in
                    .proceed
                }
            }
            #expect(failures == 5)
        }
        #expect(delays.all == [.milliseconds(250), .milliseconds(500), .seconds(1), .seconds(1)])
    }
}

/// The delays a stream asked to wait, in order.
final class Delays: Sendable {
    private let delays = Mutex<[Duration]>([])

    var all: [Duration] { delays.withLock { $0 } }

    func record(_ delay: Duration) {
        delays.withLock { $0.append(delay) }
    }
}
