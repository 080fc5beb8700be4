import Foundation
import NIOCore
import NIOEmbedded
import Testing

@testable import Server

/// The listening channel's handler for failing `accept` calls, on an embedded channel whose clock the test moves.
@Suite("Accept pauses")
struct AcceptPauseHandlerTests {
    static func autoRead(_ channel: EmbeddedChannel) -> Bool? {
        channel.options.first { $0.option is ChannelOptions.Types.AutoReadOption }?.value as? Bool
    }

    @Test(arguments: [EMFILE, ENFILE])
    func runningOutOfDescriptorsStopsAcceptingForThePauseAndKeepsTheErrorFromTheAcceptLoop(errno: Int32) throws {
        let loop = EmbeddedEventLoop()
        let channel = EmbeddedChannel(
            handler: AcceptPauseHandler(pause: .milliseconds(250), logger: TestApp.logger), loop: loop)
        channel.pipeline.fireErrorCaught(IOError(errnoCode: errno, reason: "accept4"))
        #expect(Self.autoRead(channel) == false)
        // The server's accept loop ends on any error that reaches the end of the pipeline.
        try channel.throwIfErrorCaught()
        // More failures while paused change nothing.
        channel.pipeline.fireErrorCaught(IOError(errnoCode: errno, reason: "accept4"))
        loop.advanceTime(by: .milliseconds(249))
        #expect(Self.autoRead(channel) == false)
        loop.advanceTime(by: .milliseconds(1))
        #expect(Self.autoRead(channel) == true)
        // Failing again pauses again.
        channel.pipeline.fireErrorCaught(IOError(errnoCode: errno, reason: "accept4"))
        #expect(Self.autoRead(channel) == false)
        _ = try channel.finish()
    }

    @Test func otherErrorsPassThrough() throws {
        let channel = EmbeddedChannel(handler: AcceptPauseHandler(logger: TestApp.logger))
        channel.pipeline.fireErrorCaught(CancellationError())
        #expect(throws: CancellationError.self) { try channel.throwIfErrorCaught() }
        #expect(Self.autoRead(channel) == nil)
        _ = try channel.finish()
    }
}
