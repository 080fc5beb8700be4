import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// `ContainerRuntime` over the Docker Engine API (unix socket or TCP), through one shared `HTTPClient`.
///
/// The API version is negotiated from `GET /version` on first use (the engine's version, capped at the
/// newest this client is written against) and again after the engine was unreachable. Every error carries
/// the engine's own message. The client must have no read timeout: the event stream is idle for long spans.
package final class DockerEngineRuntime: ContainerRuntime {
    /// The newest API version this client is written against; older engines are spoken to in their version.
    package static let newestAPIVersion = "1.47"
    /// The oldest API version that has everything Dormouse uses.
    package static let oldestAPIVersion = "1.41"

    let endpoint: DockerEndpoint
    let client: HTTPClient
    /// The engine's name in `DORMOUSE_ENGINES`, named in errors; nil for the single engine of `DOCKER_HOST`.
    package let name: String?
    let logger: Logger
    private let negotiated = Mutex<String?>(nil)
    private let knownQuirks = Mutex(EngineQuirks.docker)

    package init(endpoint: DockerEndpoint = .localSocket, client: HTTPClient, name: String? = nil, logger: Logger) {
        self.endpoint = endpoint
        self.client = client
        self.name = name
        self.logger = logger
    }

    /// An HTTP client configured for the engine: no read timeout (the event stream idles for long spans) and
    /// no retrying of failed connects, so an engine that is down is reported at once, not at the deadline.
    package static func makeHTTPClient() -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(5), read: nil)
        configuration.connectionPool.retryConnectionEstablishment = false
        // An exec holds its connection until the command exits: with the default 8 per host, the ninth of fifty
        // concurrent dispatches waited for a connection past the connect timeout on a loaded machine.
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 64
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// The engine's version answer: what it runs and the API version Dormouse speaks to it.
    package struct EngineVersion: Sendable, Hashable {
        package var engineVersion: String
        package var engineAPIVersion: String
        package var negotiatedAPIVersion: String
        /// `Docker` or `Podman`, from the answer's components and platform (never configured).
        package var kind: String = "Docker"
    }

    /// Asks the engine for its version and settles the API version used from now on.
    @discardableResult
    package func negotiateVersion() async throws -> EngineVersion {
        let (status, body) = try await perform(.GET, endpoint.url("/version"), body: nil, timeout: .seconds(10))
        guard status == 200 else { throw Self.error(status: status, body: body) }
        let version = try Self.decode(DockerEngineModels.Version.self, from: body)
        guard Self.compare(version.apiVersion, Self.oldestAPIVersion) != .orderedAscending else {
            throw ContainerRuntimeError.engine(
                status: status,
                message: "engine API \(version.apiVersion) is older than the \(Self.oldestAPIVersion) Dormouse needs")
        }
        let chosen =
            Self.compare(version.apiVersion, Self.newestAPIVersion) == .orderedAscending
            ? version.apiVersion : Self.newestAPIVersion
        let quirks = try await readQuirks(of: Self.kind(of: version), apiVersion: chosen)
        knownQuirks.withLock { $0 = quirks }
        negotiated.withLock { $0 = chosen }
        return EngineVersion(
            engineVersion: version.version ?? "unknown", engineAPIVersion: version.apiVersion,
            negotiatedAPIVersion: chosen, kind: quirks.kind.rawValue)
    }

    /// How the engine departs from dockerd, as of the last `GET /version` (dockerd's until then).
    package var quirks: EngineQuirks { knownQuirks.withLock { $0 } }

    /// A Podman engine's quirks also depend on whether it is rootless and on its cgroup version (`GET /info`).
    private func readQuirks(of kind: EngineQuirks.Kind, apiVersion: String) async throws -> EngineQuirks {
        guard kind == .podman else { return .docker }
        let (status, body) = try await perform(
            .GET, endpoint.url("/v\(apiVersion)/info"), body: nil, timeout: .seconds(10))
        guard status == 200 else { throw Self.error(status: status, body: body) }
        let info = try Self.decode(DockerEngineModels.Info.self, from: body)
        return EngineQuirks(
            kind: kind, rootless: (info.securityOptions ?? []).contains { $0.contains("name=rootless") },
            cgroupVersion: info.cgroupVersion)
    }

    /// Sends a request to a versioned API path and returns the status and the whole body.
    func request(
        _ method: HTTPMethod, _ path: String, query: [(String, String)] = [], json: (any Encodable)? = nil,
        timeout: Duration = .seconds(30)
    ) async throws -> (status: Int, body: ByteBuffer) {
        let body = try json.map { ByteBuffer(bytes: try JSONEncoder().encode($0)) }
        return try await perform(method, try await versionedURL(path, query: query), body: body, timeout: timeout)
    }

    /// The URL of `path` under the negotiated API version.
    func versionedURL(_ path: String, query: [(String, String)]) async throws -> String {
        let version: String
        if let known = negotiated.withLock({ $0 }) {
            version = known
        } else {
            version = try await negotiateVersion().negotiatedAPIVersion
        }
        let encoded = query.map { "\($0.0)=\(Self.percentEncoded($0.1))" }.joined(separator: "&")
        return endpoint.url("/v\(version)\(path)") + (encoded.isEmpty ? "" : "?\(encoded)")
    }

    func prepare(_ method: HTTPMethod, _ url: String, body: ByteBuffer?) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Host", value: endpoint.hostHeader)
        request.headers.add(name: "User-Agent", value: "dormouse")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(body)
        }
        return request
    }

    private func perform(
        _ method: HTTPMethod, _ url: String, body: ByteBuffer?, timeout: Duration
    ) async throws -> (status: Int, body: ByteBuffer) {
        let response: HTTPClientResponse
        do {
            response = try await client.execute(
                prepare(method, url, body: body), timeout: .nanoseconds(timeout.nanoseconds), logger: logger)
        } catch {
            throw unreachable(error)
        }
        let bytes = try await response.body.collect(upTo: 16 * 1024 * 1024)
        return (Int(response.status.code), bytes)
    }

    /// Maps a transport failure to `.engineUnavailable` and forgets the version (the engine may come back
    /// as another one).
    func unreachable(_ error: any Error) -> any Error {
        if error is CancellationError { return error }
        negotiated.withLock { $0 = nil }
        let engine = name.map { "\"\($0)\" at \(endpoint)" } ?? "at \(endpoint)"
        return ContainerRuntimeError.engineUnavailable("Docker engine \(engine) is unreachable: \(error)")
    }

    /// Podman names a component "Podman Engine" (its platform is the host's, `linux/amd64/debian-12`, in 4.3.1);
    /// anything else is Docker.
    static func kind(of version: DockerEngineModels.Version) -> EngineQuirks.Kind {
        let names = (version.components ?? []).map(\.name) + [version.platform?.name].compactMap { $0 }
        return names.contains { $0.localizedCaseInsensitiveContains("podman") } ? .podman : .docker
    }

    static func error(status: Int, body: ByteBuffer) -> ContainerRuntimeError {
        let message =
            (try? decode(DockerEngineModels.ErrorBody.self, from: body).message)
            ?? String(buffer: body).trimmingCharacters(in: .whitespacesAndNewlines)
        switch status {
        case 404: return .notFound(message)
        case 409: return .conflict(message)
        default: return .engine(status: status, message: message)
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, from body: ByteBuffer) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(body.readableBytesView))
        } catch {
            throw ContainerRuntimeError.invalidResponse("could not read the engine's answer: \(error)")
        }
    }

    static func compare(_ lhs: String, _ rhs: String) -> ComparisonResult {
        let left = lhs.split(separator: ".").map { Int($0) ?? 0 }
        let right = rhs.split(separator: ".").map { Int($0) ?? 0 }
        for index in 0..<max(left.count, right.count) {
            let (l, r) = (index < left.count ? left[index] : 0, index < right.count ? right[index] : 0)
            if l != r { return l < r ? .orderedAscending : .orderedDescending }
        }
        return .orderedSame
    }

    static func percentEncoded(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
