import ArgumentParser
import AsyncHTTPClient
import Foundation
import Hummingbird
import Lifecycle
import Logging
import Registry
import ServiceLifecycle
import UnixSignals

/// `dormouse serve`: runs the API server with the local Docker engine until SIGTERM or SIGINT.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the Dormouse server.",
        discussion: """
            Listens on DORMOUSE_HOST:DORMOUSE_PORT (default 127.0.0.1:7070) and drives the Docker engine at
            DOCKER_HOST (default unix:///var/run/docker.sock).

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

    @Flag(help: "Allow a non-loopback bind without DORMOUSE_API_TOKEN.")
    var insecure = false

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
        try configuration.validate()

        var logger = Logger(label: "dormouse")
        logger.logLevel = configuration.logLevel
        let database = try DormouseDatabase.open(path: configuration.databasePath)
        logger.info("database ready", metadata: ["db.path": "\(configuration.databasePath)"])
        let client = DockerEngineRuntime.makeHTTPClient()
        let runtime = DockerEngineRuntime(endpoint: configuration.dockerEndpoint, client: client, logger: logger)
        do {
            let app = try await buildApplication(
                configuration: configuration, runtime: runtime, database: database, httpClient: client,
                clock: ContinuousClock(), logger: logger)
            // A client that stops reading can hold a response write; past this bound the graceful shutdown
            // becomes cancellation, so SIGTERM always ends the process.
            var group = ServiceGroupConfiguration(
                services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
            group.maximumGracefulShutdownDuration = .seconds(15)
            try await ServiceGroup(configuration: group).run()
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }
}
