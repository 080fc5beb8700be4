import Logging
import NIOCore

/// Makes the listening socket stop accepting for `pause` when `accept` fails (out of descriptors, `EMFILE` or
/// `ENFILE`, or of memory), instead of spinning.
///
/// SwiftNIO's `AcceptBackoffHandler`, which the server already has, only holds back the next read request: when
/// `accept` fails before any connection was accepted in that cycle, the channel still has a read pending, stays
/// registered with epoll and is woken again at once. With every descriptor used, the loop spun on failing
/// `accept4` calls (31,776 in 5 s). Turning `autoRead` off unregisters the socket; it is turned back on after
/// the pause and tries again.
///
/// `install(on:logger:)` also removes NIO's handler: its one-second hold on reads after each failure would
/// otherwise delay accepting by up to a second once descriptors are free again.
final class AcceptPauseHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = any Channel
    typealias InboundOut = any Channel

    private let pause: TimeAmount
    private let logger: Logger
    private var paused = false
    private var failing = false

    init(pause: TimeAmount = .milliseconds(250), logger: Logger) {
        self.pause = pause
        self.logger = logger
    }

    /// Puts the handler first in the listening channel's pipeline, in place of NIO's `AcceptBackoffHandler`.
    static func install(on channel: any Channel, logger: Logger) async {
        try? await channel.eventLoop.submit {
            let pipeline = channel.pipeline.syncOperations
            try pipeline.addHandler(AcceptPauseHandler(logger: logger), position: .first)
            if let backoff = try? pipeline.handler(type: NIOCore.AcceptBackoffHandler.self) {
                pipeline.removeHandler(backoff, promise: nil)
            }
        }.get()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if failing {
            failing = false
            logger.notice("accepting connections again")
        }
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // As NIO's handler did: every accept error pauses, and none is passed on, because the server's accept
        // loop ends on any error that reaches it.
        guard let error = error as? IOError else {
            context.fireErrorCaught(error)
            return
        }
        pauseAccepting(context, error)
    }

    private func pauseAccepting(_ context: ChannelHandlerContext, _ error: IOError) {
        guard !paused, let options = context.channel.syncOptions else { return }
        paused = true
        if !failing {
            failing = true
            logger.warning(
                "cannot accept connections (out of file descriptors?)",
                metadata: ["error": "\(error)", "accept.retry_ms": "\(pause.nanoseconds / 1_000_000)"])
        }
        try? options.setOption(ChannelOptions.autoRead, value: false)
        let loopBound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
        context.eventLoop.scheduleTask(in: pause) {
            let (handler, context) = loopBound.value
            handler.paused = false
            try? context.channel.syncOptions?.setOption(ChannelOptions.autoRead, value: true)
        }
    }
}
