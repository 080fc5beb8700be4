import AsyncHTTPClient
import DormouseClient
import Lifecycle
import Logging
import Server

/// The engines `serve` drives: `DOCKER_HOST` as `local` unless `DORMOUSE_ENGINES` names `local`, and each named
/// engine, one with TLS files getting an HTTP client of its own.
extension ServeCommand {
    /// The runtimes by name (`local` included) and the TLS clients made for them, which the caller shuts down.
    static func engineRuntimes(
        _ configuration: ServerConfiguration, client: HTTPClient, logger: Logger
    ) async throws -> (runtimes: [String: any ContainerRuntime], tlsClients: [HTTPClient]) {
        var runtimes: [String: any ContainerRuntime] = [
            EngineSet.localName: DockerEngineRuntime(
                endpoint: configuration.dockerEndpoint, client: client, logger: logger)
        ]
        var tlsClients: [HTTPClient] = []
        for engine in configuration.engines {
            var engineClient = client
            if let tls = engine.tls {
                do {
                    engineClient = try DockerEngineRuntime.makeHTTPClient(tls: tls)
                } catch {
                    for made in tlsClients { try? await made.shutdown() }
                    throw ConfigurationError(
                        "engine \"\(engine.name)\": cannot read its TLS files (\(tls.caPath), \(tls.certificatePath), "
                            + "\(tls.keyPath)): \(error)")
                }
                tlsClients.append(engineClient)
            }
            runtimes[engine.name] = DockerEngineRuntime(
                endpoint: engine.endpoint, client: engineClient, name: engine.name, logger: logger)
        }
        return (runtimes, tlsClients)
    }
}
