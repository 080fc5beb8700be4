import AsyncHTTPClient
import Hummingbird
import HummingbirdTesting
import NIOCore
import TestSupport
import Testing

@testable import DormouseClient

/// `dormouse events --follow` against a server that is not there: each attempt fails at once and the stream
/// reconnects at its own pace; and the open's deadline ends with the answer's head, not with the stream.
@Suite("CLI stream connect")
struct CLIStreamConnectTests {
    /// Nothing listens on port 1 of the loopback: the connection is refused.
    static let closed = "http://127.0.0.1:1"

    @Test func openingAStreamOnAClosedPortFailsWithinABound() async throws {
        let http = ServerClient.makeHTTPClient()
        let client = ServerClient(http: http, baseURL: Self.closed, token: nil)
        let ended = await finishes(within: .seconds(3)) {
            await #expect(throws: CLIError.self) { _ = try await client.openStream("/events") }
        }
        #expect(ended, "a refused connect was retried instead of failing")
        try await http.shutdown()
    }

    @Test func aFollowedStreamReconnectsToAClosedPortAtItsOwnPace() async throws {
        let http = ServerClient.makeHTTPClient()
        var stream = ReconnectingEventStream(
            client: ServerClient(http: http, baseURL: Self.closed, token: nil), path: "/events",
            firstBackoff: .milliseconds(250), maxBackoff: .seconds(1))
        let delays = Delays()
        stream.sleep = { delays.record($0) }
        let following = stream
        let ended = await finishes(within: .seconds(3)) {
            var failures = 0
            await #expect(throws: CLIError.self) {
                try await following.run { _ in
                    failures += 1
                    return failures < 4
                } onItem: { _ in
                    .proceed
                }
            }
            #expect(failures == 4)
        }
        #expect(ended, "the attempts against a closed port did not fail fast")
        #expect(delays.all == [.milliseconds(250), .milliseconds(500), .seconds(1)])
        try await http.shutdown()
    }

    /// The server answers at once, then sends its first event after the open's deadline has passed.
    @Test func theStreamOutlivesTheOpensDeadline() async throws {
        let router = Router()
        router.get("/events") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "text/event-stream"],
                body: ResponseBody { writer in
                    try await writer.write(ByteBuffer(string: ": open\n\n"))
                    // Real time on purpose: what is tested is that no deadline fires meanwhile.
                    try await Task.sleep(for: .seconds(3))
                    try await writer.write(ByteBuffer(string: "id: 1\ndata: late\n\n"))
                    try await writer.finish(nil)
                })
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { server in
            let http = ServerClient.makeHTTPClient()
            let client = ServerClient(http: http, baseURL: "http://127.0.0.1:\(try #require(server.port))", token: nil)
            var reader = EventStreamReader()
            var items: [EventStreamReader.Item] = []
            do {
                for try await chunk in try await client.openStream("/events", timeout: .seconds(2)) {
                    items += reader.feed(chunk.readableBytesView)
                }
                try await http.shutdown()
            } catch {
                try? await http.shutdown()
                throw error
            }
            #expect(items.contains { if case .event(let event) = $0 { event.data == "late" } else { false } })
        }
    }
}
