import AsyncHTTPClient
import NIOCore
import NIOHTTP1

extension KubernetesAPI {
    /// Watches one Deployment from `resourceVersion` (a list's, or the last event's or bookmark's), with
    /// bookmarks. Returns once the server accepted the watch; the stream ends when the server closes it (at
    /// `timeoutSeconds`, or when it restarts) and the caller resumes from the last version it saw. A version the
    /// server no longer has arrives as an `.error` event with code 410 (or as a 410 answer, thrown here).
    func watch(
        _ ref: KubernetesDeploymentRef, from resourceVersion: String, timeoutSeconds: Int = 290
    ) async throws -> AsyncThrowingStream<KubernetesWatchEvent, any Error> {
        let query = [
            ("watch", "1"), ("fieldSelector", selector(ref)), ("resourceVersion", resourceVersion),
            ("allowWatchBookmarks", "true"), ("timeoutSeconds", "\(timeoutSeconds)"),
        ]
        let response: HTTPClientResponse
        do {
            response = try await client.execute(
                prepare(.GET, ref.collectionPath, query: query, json: nil), timeout: .seconds(10), logger: logger)
        } catch {
            throw unreachable(error)
        }
        guard response.status == .ok else {
            let body = try await response.body.collect(upTo: 1024 * 1024)
            throw error(status: Int(response.status.code), body: body, about: ref)
        }
        // Unbounded: a Deployment's events are few, and a dropped scale could leave an agent believing it runs.
        let (stream, continuation) = AsyncThrowingStream<KubernetesWatchEvent, any Error>.makeStream()
        let api = self
        let reader = Task {
            var lines = LineSplitter()
            do {
                for try await chunk in response.body {
                    for line in lines.append(chunk) { continuation.yield(try KubernetesWatchEvent.decode(line)) }
                }
                continuation.finish()
            } catch let error as ContainerRuntimeError {
                continuation.finish(throwing: error)
            } catch {
                continuation.finish(throwing: api.unreachable(error))
            }
        }
        continuation.onTermination = { _ in reader.cancel() }
        return stream
    }
}
