import ArgumentParser
import AsyncHTTPClient
import DormouseClient
import Foundation
import Logging
import NIOCore
import Server
import ServiceLifecycle
import UnixSignals
import WatchDaemon
import Watcher

#if canImport(Glibc)
    import Glibc
#endif

/// `dormouse watch [run]`: the watcher in the foreground until SIGTERM or SIGINT. With Mattermost settings it
/// runs the daemon (engine, chat relay, health listener, and the wake stream when `DORMOUSE_URL` is set) in one
/// `ServiceGroup` and exits 0 after a graceful stop; with `--stdout` it shows the sessions in the terminal.
struct WatchRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run in the foreground until SIGTERM or SIGINT (the default subcommand).")

    @Flag(help: "Render to the terminal instead of posting: redrawn in place on a TTY, appended otherwise.")
    var stdout = false

    @Option(
        help: "Log level on standard error (trace, debug, info, notice, warning, error, critical); overrides LOG_LEVEL."
    )
    var logLevel: Logger.Level?

    /// Where to write the port the health route bound (`watch start` passes it, and reads it back).
    @Option(name: .customLong("port-file"), help: .hidden)
    var portFile: String?

    func run() async throws {
        let settings = try WatcherEnvironment.settings(from: ProcessInfo.processInfo.environment)
        var logger = Logger(label: "dormouse.watch") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = logLevel ?? settings.logLevel ?? (stdout ? .warning : .info)
        if stdout { return try await runInTerminal(settings.watcher, logger: logger) }
        guard !settings.chats.isEmpty else {
            throw ConfigurationError("nothing to post to: \(WatchSettings.noChatHint), or pass --stdout")
        }
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(5), read: nil)
        let httpClient = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        do {
            try await runDaemon(settings, httpClient: httpClient, logger: logger)
        } catch {
            try? await httpClient.shutdown()
            throw error
        }
        try await httpClient.shutdown()
    }

    private func runDaemon(_ settings: WatchSettings, httpClient: HTTPClient, logger: Logger) async throws {
        let watch = WatchAssembly(
            watcher: settings.watcher, chats: try settings.chatRelays(httpClient: httpClient, logger: logger),
            clock: ContinuousClock(), logger: logger)
        let portFile = self.portFile
        let health = buildWatchHealthApplication(
            health: watch.health, host: settings.control.healthHost, port: settings.control.healthPort, logger: logger
        ) { port in
            guard let portFile else { return }
            do {
                try WatchInstance.writeAtomically("\(port)\n", to: portFile)
            } catch {
                logger.error("could not write the health port file", metadata: ["file.path": "\(portFile)"])
            }
        }
        defer { if let portFile { unlink(portFile) } }
        // Shutdown runs in reverse: the wake stream and feed stop, the daemon flushes, health answers to the end.
        var services: [any Service] = [health] + watch.services
        if let source = settings.wakeSource {
            services.append(
                WakeStreamFollower(source: source, httpClient: httpClient, feed: watch.wakes, logger: logger))
        }
        var group = ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        group.maximumGracefulShutdownDuration = settings.relay.shutdownFlushTimeout + .seconds(5)
        logger.notice(
            "dormouse watch posting to chat",
            metadata: [
                "chats":
                    "\(settings.chats.map { "\($0.kind.rawValue) \($0.url) (default \($0.defaultTarget ?? "none"))" })",
                "wakes.url": "\(settings.wakeSource?.url ?? "none")",
            ])
        try await ServiceGroup(configuration: group).run()
        logger.notice("dormouse watch stopped")
    }

    private func runInTerminal(_ configuration: WatcherConfiguration, logger: Logger) async throws {
        let engine = WatchEngine(
            configuration: configuration, clock: ContinuousClock(), fileIO: NIOThreadPoolFileIO(), logger: logger)
        let terminal = TerminalOutput(isTTY: isatty(STDOUT_FILENO) == 1)
        let board = StatusBoard(formatter: StatusFormatter(settings: configuration.formatterSettings))
        let updates = engine.updates()
        let signals = Self.terminationSignals()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await engine.run() }
            group.addTask { await terminal.show(updates, board: board, engine: engine) }
            group.addTask { for await _ in signals { return } }
            // The first to finish (a signal, or the engine stopping) ends the whole watch.
            _ = try await group.next()
            group.cancelAll()
        }
    }

    /// One element when SIGINT or SIGTERM arrives, so the engine can persist offsets before exiting.
    private static func terminationSignals() -> AsyncStream<Int32> {
        let (stream, continuation) = AsyncStream.makeStream(of: Int32.self)
        var sources: [any DispatchSourceSignal] = []
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber)
            source.setEventHandler { continuation.yield(signalNumber) }
            source.resume()
            sources.append(source)
        }
        // Dispatch sources are thread-safe to cancel; the array is never mutated after this point.
        nonisolated(unsafe) let kept = sources
        continuation.onTermination = { _ in kept.forEach { $0.cancel() } }
        return stream
    }
}
