import NIOCore

/// The whole pipeline of a connection over the cap: writes a 503 problem document with `Connection: close`
/// and `Retry-After` at once, without waiting for the request, and closes. The input is read and dropped
/// until the client closes (or `linger` passes), so the close never resets the answer away before the client
/// has read it.
final class ConnectionRefusalHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// How long a refused client has to read the answer and close.
    static let linger = TimeAmount.seconds(2)
    /// Seconds sent in `Retry-After`.
    static let retryAfterSeconds = 1

    private let maximum: Int
    private var answered = false

    init(maximum: Int) {
        self.maximum = maximum
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { answer(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        answer(context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event as? ChannelEvent == .inputClosed { context.close(promise: nil) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func answer(_ context: ChannelHandlerContext) {
        guard !answered else { return }
        answered = true
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(Self.response(maximum: maximum)))
            .whenComplete { _ in channel.close(mode: .output, promise: nil) }
        let linger = context.eventLoop.scheduleTask(in: Self.linger) { channel.close(promise: nil) }
        channel.closeFuture.whenComplete { _ in linger.cancel() }
        context.read()
    }

    /// The raw HTTP/1.1 answer.
    static func response(maximum: Int) -> ByteBuffer {
        let body = """
            {"type":"urn:dormouse:problem:too-many-connections","title":"Service Unavailable","status":503,\
            "detail":"the server has \(maximum) connections open, its limit (DORMOUSE_MAX_CONNECTIONS); retry later"}
            """
        let head = [
            "HTTP/1.1 503 Service Unavailable", "Content-Type: application/problem+json", "Cache-Control: no-store",
            "Connection: close", "Retry-After: \(retryAfterSeconds)", "Content-Length: \(body.utf8.count)",
        ]
        return ByteBuffer(string: head.joined(separator: "\r\n") + "\r\n\r\n" + body)
    }
}
