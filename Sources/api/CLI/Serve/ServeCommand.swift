import ArgumentParser
import AsyncHTTPClient
import DormouseClient
import Foundation
import GRDB
import Hummingbird
import Lifecycle
import Logging
import Registry
import Server
import ServiceLifecycle
import UnixSignals
import WatchDaemon
import Watcher

/// `dormouse serve`: runs the API server with the local Docker engine until SIGTERM or SIGINT.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the Dormouse server.",
        discussion: """
            Listens on DORMOUSE_HOST:DORMOUSE_PORT (default 127.0.0.1:7070) and drives the Docker engine at
            DOCKER_HOST (default unix:///var/run/docker.sock), named `local`, and the engines of DORMOUSE_ENGINES
            (name=url,...; TLS files in DORMOUSE_ENGINE_CERTS/<name>/{ca,cert,key}.pem). Plain TCP to an engine on
            another machine is refused unless --insecure.

            With --watch (env DORMOUSE_WATCH=1) the session watcher runs in the same process: it posts to
            chat (Mattermost, Matrix or Slack: the `dormouse watch` variables), shows worker wakes
            from this server's own lifecycle events, and reports its health at GET /watch/health.

            Host-mode agents (commands run on this machine as this user) are refused unless
            --allow-host-agents (env DORMOUSE_ALLOW_HOST_AGENTS=1) is given.

            Example:
              dormouse serve --port 7070
            """
    )

    @Option(help: "Address to bind (env DORMOUSE_HOST, default 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on; 0 picks a free one (env DORMOUSE_PORT, default 7070).")
    var port: Int?

    @Option(
        name: .customLong("docker-host"), help: "Docker endpoint, unix:///path or tcp://host:port (env DOCKER_HOST).")
    var dockerHost: String?

    @Flag(help: "Allow a non-loopback bind without DORMOUSE_API_TOKEN, and plain TCP to a remote engine.")
    var insecure = false

    @Flag(help: "Also run the session watcher in this process (env DORMOUSE_WATCH=1; needs MM_BASE_URL, MM_BOT_TOKEN).")
    var watch = false

    @Flag(
        name: .customLong("allow-host-agents"),
        help: "Allow host-mode agents, whose commands run as this user (env DORMOUSE_ALLOW_HOST_AGENTS=1).")
    var allowHostAgents = false

    func run() async throws {
        var configuration = try ServerConfiguration.fromEnvironment(ProcessInfo.processInfo.environment)
        if let host { configuration.host = host }
        if let port { configuration.port = port }
        if let dockerHost {
            guard let endpoint = DockerEndpoint(dockerHost: dockerHost) else {
                throw ValidationError("--docker-host must be unix:///path or tcp://host:port")
            }
            configuration.dockerEndpoint = endpoint
        }
        configuration.insecure = insecure
        if watch { configuration.watch = true }
        if allowHostAgents { configuration.allowsHostAgents = true }
        try configuration.validate()
        // Read before anything is opened, so bad watcher settings fail fast.
        let watchSettings = try configuration.watch ? Self.watchSettings() : nil

        var logger = Logger(label: "dormouse")
        logger.logLevel = configuration.logLevel
        configuration.connections.maxConnections = Self.raiseOpenFileLimit(configuration.connections, logger: logger)
        let database = try DormouseDatabase.open(path: configuration.databasePath)
        logger.info("database ready", metadata: ["db.path": "\(configuration.databasePath)"])
        let client = DockerEngineRuntime.makeHTTPClient()
        let engines: (runtimes: [String: any ContainerRuntime], tlsClients: [HTTPClient])
        do {
            engines = try await Self.engineRuntimes(configuration, client: client, logger: logger)
        } catch {
            try? await client.shutdown()
            Self.close(database, logger: logger)
            throw error
        }
        do {
            let watch = try watchSettings.map { settings in
                WatchAssembly(
                    watcher: settings.watcher, chats: try settings.chatRelays(httpClient: client, logger: logger),
                    clock: ContinuousClock(), logger: logger)
            }
            let app = try await buildApplication(
                configuration: configuration, runtime: engines.runtimes[EngineSet.localName]!,
                engines: engines.runtimes, database: database, httpClient: client,
                clock: ContinuousClock(), watch: watch, logger: logger)
            // A client that stops reading can hold a response write; past this bound the graceful shutdown
            // becomes cancellation, so SIGTERM always ends the process.
            var group = ServiceGroupConfiguration(
                services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
            group.maximumGracefulShutdownDuration = .seconds(15)
            try await ServiceGroup(configuration: group).run()
        } catch {
            for tlsClient in engines.tlsClients { try? await tlsClient.shutdown() }
            try? await client.shutdown()
            Self.close(database, logger: logger)
            throw error
        }
        for tlsClient in engines.tlsClients { try? await tlsClient.shutdown() }
        try await client.shutdown()
        Self.close(database, logger: logger)
    }

    /// Raises the soft open-file limit to the hard one, so idle clients cannot use up the descriptors the database
    /// and the engine need, and returns the connection cap that fits it.
    private static func raiseOpenFileLimit(_ limits: ConnectionLimits, logger: Logger) -> Int {
        let before = FileDescriptorLimit.current()
        do {
            let after = try FileDescriptorLimit.raiseSoftToHard()
            let maximum = limits.resolvedMaxConnections()
            logger.info(
                "open-file limit",
                metadata: [
                    "fd.soft_before": "\(before?.soft ?? -1)", "fd.soft": "\(after.soft)", "fd.hard": "\(after.hard)",
                    "connection.max": "\(maximum)",
                ])
            return maximum
        } catch {
            logger.warning("could not raise the open-file limit", metadata: ["error": "\(error)"])
            return limits.resolvedMaxConnections()
        }
    }

    /// Checkpoints and closes the database; a failure is logged (the next start replays the log instead).
    private static func close(_ database: DatabasePool, logger: Logger) {
        do {
            try DormouseDatabase.close(database)
        } catch {
            logger.warning("could not checkpoint the database at shutdown", metadata: ["error": "\(error)"])
        }
    }

    /// The watcher's settings, with the chat `--watch` requires.
    private static func watchSettings() throws -> WatchSettings {
        let settings = try WatcherEnvironment.settings(from: ProcessInfo.processInfo.environment)
        guard !settings.chats.isEmpty else {
            throw ConfigurationError("--watch (DORMOUSE_WATCH) needs a chat: \(WatchSettings.noChatHint)")
        }
        return settings
    }
}
