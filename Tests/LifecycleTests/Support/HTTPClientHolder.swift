import AsyncHTTPClient
import Lifecycle

/// An HTTP client for one test, shut down synchronously at its end.
final class HTTPClientHolder: Sendable {
    let client = DockerEngineRuntime.makeHTTPClient()

    func shutdown() {
        try? client.syncShutdown()
    }
}
