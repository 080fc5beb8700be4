import NIOCore
import NIOPosix

/// A bare TCP connection to a server on loopback: sends bytes as given and reads what comes back, to test
/// what HTTP clients hide (a request head that never ends, a server that closes, an answer sent unasked).
final class RawConnection {
    private var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    fileprivate let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    /// Everything read so far.
    private(set) var received = ""
    /// The server closed (or reset) the connection.
    private(set) var isClosed = false

    private init(
        iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator,
        outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    ) {
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
            try await body(RawConnection(iterator: inbound.makeAsyncIterator(), outbound: outbound))
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

    /// Reads until `text` has been received or the server closes; returns whether `text` came.
    @discardableResult
    func read(until text: String) async -> Bool {
        while !received.contains(text), !isClosed { await readOnce() }
        return received.contains(text)
    }

    /// Reads until the server closes the connection.
    func readToEnd() async {
        while !isClosed { await readOnce() }
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
