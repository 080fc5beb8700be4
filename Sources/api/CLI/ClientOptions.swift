import ArgumentParser
import DormouseClient
import Foundation

/// The flags every command that talks to the server shares: where it is, the token, and the output form.
struct ClientOptions: ParsableArguments {
    @Option(help: "The server's URL (env DORMOUSE_URL, default \(ClientConfiguration.defaultURL)).")
    var url: String?

    @Option(help: "Bearer token for the server (env DORMOUSE_API_TOKEN).")
    var token: String?

    @Flag(help: "Print the server's JSON instead of a human table.")
    var json = false

    /// The environment's configuration with the flags applied.
    func configuration() -> ClientConfiguration {
        var configuration = ClientConfiguration.fromEnvironment(ProcessInfo.processInfo.environment)
        if let url { configuration.url = url }
        if let token, !token.isEmpty { configuration.apiToken = token }
        return configuration
    }
}
