import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypes

/// Hummingbird's HTTP/1 child channel behind Dormouse's connection guards: a connection over the cap gets
/// `ConnectionRefusalHandler` instead of HTTP; an admitted one gets the header and idle timeouts
/// (`ConnectionTimeoutHandler`, fed by `RequestBytesObserver` in front of the HTTP decoder).
struct GuardedHTTP1Channel: ServerChildChannel {
    /// One accepted connection: served over HTTP, or refused.
    enum Value: ServerChildChannelValue {
        case admitted(HTTP1Channel.Value)
        case refused(any Channel)

        var channel: any Channel {
            switch self {
            case .admitted(let value): value.channel
            case .refused(let channel): channel
            }
        }
    }

    let http: HTTP1Channel
    let counter: ConnectionCounter

    /// Serves `responder` with Hummingbird's HTTP/1 channel, guarded by `limits`.
    init(responder: @escaping HTTPChannelHandler.Responder, limits: ConnectionLimits, maximum: Int, logger: Logger) {
        self.http = HTTP1Channel(
            responder: responder,
            configuration: .init(additionalChannelHandlers: [ConnectionTimeoutHandler(limits: limits, logger: logger)]))
        self.counter = ConnectionCounter(maximum: maximum)
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        switch counter.admit() {
        case .refused(let first):
            if first {
                logger.warning(
                    "refusing connections: the connection cap is reached",
                    metadata: ["connection.max": "\(counter.maximum)"])
            }
            return channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(ConnectionRefusalHandler(maximum: counter.maximum))
                return .refused(channel)
            }
        case .admitted:
            let counter = self.counter
            channel.closeFuture.whenComplete { _ in counter.close() }
            do {
                try channel.pipeline.syncOperations.addHandler(RequestBytesObserver())
            } catch {
                return channel.eventLoop.makeFailedFuture(error)
            }
            return http.setup(channel: channel, logger: logger).map { .admitted($0) }
        }
    }

    func handle(value: Value, logger: Logger) async {
        // A refused connection closes itself (`ConnectionRefusalHandler`).
        guard case .admitted(let channel) = value else { return }
        await http.handle(value: channel, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// Hummingbird's HTTP/1 server with Dormouse's connection guards (`GuardedHTTP1Channel`).
    static func guardedHTTP1(limits: ConnectionLimits, logger: Logger) -> HTTPServerBuilder {
        let maximum = limits.resolvedMaxConnections()
        return HTTPServerBuilder { responder in
            GuardedHTTP1Channel(responder: responder, limits: limits, maximum: maximum, logger: logger)
        }
    }
}
