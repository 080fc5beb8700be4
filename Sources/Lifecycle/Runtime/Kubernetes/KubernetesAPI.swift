import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// The few Kubernetes API calls Dormouse makes, over plain AsyncHTTPClient: read a Deployment, list it (for a
/// watch's starting resource version), read and write its `scale` subresource, and watch it.
///
/// - A missing object throws `ContainerRuntimeError.notFound`, a stale write `.conflict`, a server that does not
///   answer `.engineUnavailable`; a refused token (401) or a forbidden call (403) say so in plain words.
package struct KubernetesAPI: Sendable {
    package let connection: KubernetesConnection
    let client: HTTPClient
    let logger: Logger
    /// How many times `scale` writes when other writers keep changing the Deployment in between.
    package let updateAttempts: Int

    package init(connection: KubernetesConnection, client: HTTPClient, logger: Logger, updateAttempts: Int = 5) {
        self.connection = connection
        self.client = client
        self.logger = logger
        self.updateAttempts = max(1, updateAttempts)
    }

    /// The Deployment as it is now.
    func deployment(_ ref: KubernetesDeploymentRef) async throws -> KubernetesDeploymentSnapshot {
        let (status, body) = try await request(.GET, ref.path)
        guard status == 200 else { throw error(status: status, body: body, about: ref) }
        return KubernetesDeploymentSnapshot(try Self.decode(KubernetesModels.Deployment.self, from: body))
    }

    /// The Deployment (nil when there is none) and the list's resource version, where a watch of it starts.
    func list(_ ref: KubernetesDeploymentRef) async throws -> (
        resourceVersion: String, deployment: KubernetesDeploymentSnapshot?
    ) {
        let (status, body) = try await request(.GET, ref.collectionPath, query: [("fieldSelector", selector(ref))])
        guard status == 200 else { throw error(status: status, body: body, about: ref) }
        let list = try Self.decode(KubernetesModels.DeploymentList.self, from: body)
        guard let version = list.metadata?.resourceVersion, !version.isEmpty else {
            throw ContainerRuntimeError.invalidResponse("the deployment list of \(ref) has no resourceVersion")
        }
        return (version, list.items.first.map(KubernetesDeploymentSnapshot.init))
    }

    func selector(_ ref: KubernetesDeploymentRef) -> String { "metadata.name=\(ref.name)" }

    func request(
        _ method: HTTPMethod, _ path: String, query: [(String, String)] = [], json: Data? = nil
    ) async throws -> (status: Int, body: ByteBuffer) {
        let response: HTTPClientResponse
        do {
            response = try await client.execute(
                prepare(method, path, query: query, json: json), timeout: .seconds(30), logger: logger)
        } catch {
            throw unreachable(error)
        }
        return (Int(response.status.code), try await response.body.collect(upTo: 4 * 1024 * 1024))
    }

    func prepare(_ method: HTTPMethod, _ path: String, query: [(String, String)], json: Data?) -> HTTPClientRequest {
        let encoded = query.map { "\($0.0)=\(Self.percentEncoded($0.1))" }.joined(separator: "&")
        var request = HTTPClientRequest(url: connection.server + path + (encoded.isEmpty ? "" : "?\(encoded)"))
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "dormouse")
        if let token = connection.token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: json))
        }
        return request
    }

    func unreachable(_ error: any Error) -> any Error {
        if error is CancellationError { return error }
        return ContainerRuntimeError.engineUnavailable(
            "the Kubernetes API server at \(connection.server) is unreachable: \(error)")
    }

    /// The server's refusal (a meta/v1 Status body) as a `ContainerRuntimeError`.
    func error(status: Int, body: ByteBuffer, about ref: KubernetesDeploymentRef) -> ContainerRuntimeError {
        let decoded = try? Self.decode(KubernetesModels.Status.self, from: body)
        let message = decoded?.message ?? String(buffer: body)
        switch status {
        case 401:
            return .engine(
                status: 401,
                message: "the Kubernetes API server at \(connection.server) refused Dormouse's token (401"
                    + " Unauthorized): check the service account token or the kubeconfig user's token")
        case 403:
            return .engine(
                status: 403,
                message: "the Kubernetes API server forbids it (403): \(message); the Role needs get/list/watch"
                    + " of deployments and get/update of deployments/scale in namespace \(ref.namespace)")
        case 404: return .notFound("deployment \(ref) not found: \(message)")
        case 409: return .conflict(message)
        default: return .engine(status: status, message: message)
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, from body: ByteBuffer) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(body.readableBytesView))
        } catch {
            throw ContainerRuntimeError.invalidResponse("unreadable \(type) from the Kubernetes API: \(error)")
        }
    }

    static func percentEncoded(_ value: String) -> String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+?#")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }
}
