import NIOCore

/// The first handler of a connection's pipeline: tells `ConnectionTimeoutHandler`, further down, that bytes
/// arrived (the start of a request head), then passes them on untouched.
final class RequestBytesObserver: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireUserInboundEventTriggered(ConnectionTimeoutHandler.BytesArrived())
        context.fireChannelRead(data)
    }
}
