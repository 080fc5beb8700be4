import NIOCore
import NIOPosix
import Synchronization

/// A bare TCP connection to a server on loopback: sends bytes as given and reads what comes back, to test
/// what HTTP clients hide (a request head that never ends, a server that closes, an answer sent unasked).
final class RawConnection {
    private var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    fileprivate let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    /// Everything read so far.
    private(set) var received = ""
    /// The server closed (or reset) the connection.
    private(set) var isClosed = false

    private let channel: any Channel

    private init(
        channel: any Channel, iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator,
        outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    ) {
        self.channel = channel
        self.iterator = iterator
        self.outbound = outbound
    }

    /// Connects to `127.0.0.1:port`, runs `body`, and closes.
    static func with<R: Sendable>(port: Int, _ body: (RawConnection) async throws -> R) async throws -> R {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await body(
                RawConnection(channel: channel.channel, iterator: inbound.makeAsyncIterator(), outbound: outbound))
        }
    }

    /// An open connection that sends nothing, for filling the server up; close it with `close()`.
    static func idle(port: Int) async throws -> any Channel {
        try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port).get()
    }

    func send(_ text: String) async throws {
        try await outbound.write(ByteBuffer(string: text))
    }

    /// How long a read waits for the server before closing the connection from this side. Generous: in the first
    /// seconds of a run every suite starts at once, and on two cores an in-process server once needed more than
    /// ten seconds to answer its first request (CI, stop 21). A server that never answers still fails the test.
    static let deadline: Duration = .seconds(40)

    /// Reads until `text` has been received or the server closes; returns whether `text` came. Past `limit` the
    /// connection is closed from this side, so a server that never answers fails the test instead of hanging it.
    @discardableResult
    func read(until text: String, within limit: Duration = RawConnection.deadline) async -> Bool {
        _ = await withDeadline(limit) { while !self.received.contains(text), !self.isClosed { await self.readOnce() } }
        return received.contains(text)
    }

    /// Reads until the server closes the connection; returns `false` if it has not within `limit` (the connection
    /// is then closed from this side).
    @discardableResult
    func readToEnd(within limit: Duration = RawConnection.deadline) async -> Bool {
        await withDeadline(limit) { while !self.isClosed { await self.readOnce() } }
    }

    /// Runs `body`; returns `false` if `limit` passed first, having closed the connection to end it.
    private func withDeadline(_ limit: Duration, _ body: () async -> Void) async -> Bool {
        let expired = ManagedFlag()
        let channel = self.channel
        let deadline = channel.eventLoop.scheduleTask(in: TimeAmount(limit)) {
            expired.set()
            channel.close(promise: nil)
        }
        await body()
        deadline.cancel()
        return !expired.isSet
    }

    private func readOnce() async {
        do {
            if let buffer = try await iterator.next() {
                received += String(buffer: buffer)
            } else {
                isClosed = true
            }
        } catch {
            isClosed = true
        }
    }
}

extension RawConnection {
    /// Sends `text` one byte every `interval` on a task of its own, until it is cancelled or a write fails.
    func trickle(_ text: String, every interval: Duration = .milliseconds(20)) -> Task<Void, Never> {
        let outbound = self.outbound
        return Task {
            for byte in text.utf8 {
                do {
                    try await outbound.write(ByteBuffer(bytes: [byte]))
                    try await Task.sleep(for: interval)
                } catch {
                    return
                }
            }
        }
    }
}

/// A flag set once from an event loop and read from the test.
private final class ManagedFlag: Sendable {
    private let value = Atomic<Bool>(false)
    var isSet: Bool { value.load(ordering: .acquiring) }
    func set() { value.store(true, ordering: .releasing) }
}
