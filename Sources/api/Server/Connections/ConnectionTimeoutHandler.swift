import Logging
import NIOCore
import NIOHTTPTypes

/// Carries out `ConnectionTimeoutStateMachine` on one HTTP/1 connection: sits after the HTTP codec (it sees
/// request heads and response ends) and learns of raw bytes from `RequestBytesObserver`'s event.
final class ConnectionTimeoutHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// The event `RequestBytesObserver` sends down the pipeline when bytes arrive, before they are decoded.
    struct BytesArrived {}

    private var machine: ConnectionTimeoutStateMachine
    private var timer: Scheduled<Void>?
    private let logger: Logger

    init(limits: ConnectionLimits, logger: Logger) {
        self.machine = ConnectionTimeoutStateMachine(limits: limits)
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { perform(machine.opened(), context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelTimer()
    }

    func channelActive(context: ChannelHandlerContext) {
        perform(machine.opened(), context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        perform(machine.closed(), context)
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: perform(machine.headReceived(), context)
        case .body: break
        case .end: perform(machine.requestEnded(), context)
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let isEnd = if case .end = unwrapOutboundIn(data) { true } else { false }
        context.write(data, promise: promise)
        if isEnd { perform(machine.responseEnded(), context) }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is BytesArrived {
            perform(machine.bytesArrived(), context)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    private func perform(_ action: ConnectionTimeoutStateMachine.Action, _ context: ChannelHandlerContext) {
        switch action {
        case .none:
            break
        case .startTimer(let duration):
            cancelTimer()
            // The handler and its context live on the channel's event loop, where the task runs.
            let loopBound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
            timer = context.eventLoop.scheduleTask(in: TimeAmount(duration)) {
                let (handler, context) = loopBound.value
                handler.timer = nil
                handler.perform(handler.machine.timerFired(), context)
            }
        case .cancelTimer:
            cancelTimer()
        case .close(let timeout):
            logger.debug(
                "connection closed by a timeout",
                metadata: [
                    "connection.timeout": "\(timeout)",
                    "connection.peer": "\(context.remoteAddress?.description ?? "-")",
                ]
            )
            context.close(promise: nil)
        }
    }

    private func cancelTimer() {
        timer?.cancel()
        timer = nil
    }
}
