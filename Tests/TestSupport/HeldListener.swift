import NIOCore
import NIOHTTP1
import NIOPosix

/// An HTTP worker on loopback that can hold back accepting connections. While held, its accept queue is full,
/// so the kernel drops new connection attempts and a client's connect times out, as behind an address the
/// network does not route to yet. Every request is answered 200 with `worker got: <body>`.
package final class HeldListener: Sendable {
    package let port: Int
    private let server: any Channel
    private let fillers: [any Channel]

    private init(port: Int, server: any Channel, fillers: [any Channel]) {
        self.port = port
        self.server = server
        self.fillers = fillers
    }

    /// Listens on `port` (0: any free one); `holding` fills the accept queue first and accepts nothing.
    package static func start(port: Int = 0, holding: Bool) async throws -> HeldListener {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 0)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.autoRead, value: !holding)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(EchoHandler())
                }
            }
            .bind(host: "127.0.0.1", port: port).get()
        guard let bound = server.localAddress?.port else { throw HeldListenerError.notBound }
        var fillers: [any Channel] = []
        if holding {
            do {
                fillers = try await fill(port: bound)
            } catch {
                try? await server.close()
                throw error
            }
        }
        return HeldListener(port: bound, server: server, fillers: fillers)
    }

    /// Connects until an attempt times out: the queue is full from then on (a handful with backlog 0).
    private static func fill(port: Int) async throws -> [any Channel] {
        var fillers: [any Channel] = []
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.milliseconds(300))
        for _ in 0..<16 {
            do {
                fillers.append(try await bootstrap.connect(host: "127.0.0.1", port: port).get())
            } catch ChannelError.connectTimeout {
                return fillers
            } catch {
                for filler in fillers { try? await filler.close() }
                throw error
            }
        }
        for filler in fillers { try? await filler.close() }
        throw HeldListenerError.queueNeverFilled
    }

    /// Accepts again: the queued connections are taken (the fillers, closed, end at once) and new ones answered.
    package func release() async throws {
        for filler in fillers { try? await filler.close() }
        try await server.setOption(.autoRead, value: true).get()
    }

    package func stop() async {
        for filler in fillers { try? await filler.close() }
        try? await server.close()
    }
}

package enum HeldListenerError: Error {
    case notBound
    case queueNeverFilled
}

/// Answers each request with its body after `worker got: `.
private final class EchoHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart
    private var body = ByteBuffer()

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            body.clear()
        case .body(var chunk):
            body.writeBuffer(&chunk)
        case .end:
            let text = "worker got: " + String(buffer: body)
            var head = HTTPResponseHead(version: .http1_1, status: .ok)
            head.headers.add(name: "Content-Length", value: "\(text.utf8.count)")
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}
