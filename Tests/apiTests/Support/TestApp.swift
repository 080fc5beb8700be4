import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Lifecycle
import LifecycleTestKit
import Logging
import NIOCore
import NIOHTTP1
import Registry
import TestSupport
import Testing

@testable import DormouseClient
@testable import Server
@testable import WatchDaemon

/// The app as `serve` builds it, on port 0 over real loopback HTTP, with a database file in a temporary
/// folder (or the one given, to test a restart), a test clock and a recorder of lifecycle events.
struct TestApp: Sendable {
    static let logger: Logger = {
        var logger = Logger(label: "api-test")
        logger.logLevel =
            ProcessInfo.processInfo.environment["DORMOUSE_TEST_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:))
            ?? .error
        return logger
    }()

    var runtime: any ContainerRuntime = InMemoryContainerRuntime(images: ["busybox"])
    /// Named engines besides `local` (`DORMOUSE_ENGINES`).
    var engines: [String: any ContainerRuntime] = [:]
    var clock = TestClock()
    /// The wall clock agents' `created_at` and the timeline's `now` are read from.
    var wallClock = WallClock.system
    var token: String?
    /// The read-only token (`DORMOUSE_READ_TOKEN`).
    var readToken: String?
    /// HummingbirdTesting's live client sends `Host: localhost` without the port, which the server only
    /// answers as when told (real clients send the port).
    var allowedHosts = [HostAuthority(host: "localhost", port: 80)]
    var corsOrigins: [String] = []
    var databasePath: String?
    /// Real time instead of the test clock (to measure real start latencies against the engine).
    var realTime = false
    /// The session watcher, run in the same process as `serve --watch` does.
    var watch: WatchAssembly?
    /// Timeouts and the connection cap. Long by default: on a loaded machine a test's first request can come more
    /// than the 10 s header timeout after the test client connected (seen: 25 tests lost their connection at once).
    var connections = ConnectionLimits(headerTimeout: .seconds(600), idleTimeout: .seconds(600))
    /// `DORMOUSE_ALLOW_HOST_AGENTS`: tests that declare host-mode agents turn it on.
    var allowsHostAgents = false
    /// `DORMOUSE_WARM_MEMORY_MB` in bytes (nil: no limit).
    var warmMemoryLimitBytes: UInt64?
    /// Webhook delivery settings (`DORMOUSE_WEBHOOK_*`).
    var webhooks = WebhookSettings()
    let recorder = EventRecorder()
    /// The app's logger (a test reads what was logged through an `InMemoryLogHandler`).
    var logger = TestApp.logger

    /// Runs `body` with a client; the app shuts down gracefully when it returns.
    func run(_ body: @escaping @Sendable (APIClient) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dormouse-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        var configuration = ServerConfiguration()
        configuration.port = 0
        configuration.apiToken = token
        configuration.readToken = readToken
        configuration.allowedHosts = allowedHosts
        configuration.corsOrigins = corsOrigins
        configuration.connections = connections
        configuration.allowsHostAgents = allowsHostAgents
        configuration.warmMemoryLimitBytes = warmMemoryLimitBytes
        configuration.webhooks = webhooks
        configuration.databasePath = databasePath ?? folder.appendingPathComponent("dormouse.sqlite").path
        let database = try DormouseDatabase.open(path: configuration.databasePath)
        let httpClient = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
        do {
            let validator = try OpenAPIValidator.load()
            let token = self.token
            let test: @Sendable (any TestClientProtocol) async throws -> Void = { client in
                try await body(APIClient(client: client, validator: validator, token: token))
            }
            if realTime {
                try await buildApplication(
                    configuration: configuration, runtime: runtime, engines: engines, database: database,
                    httpClient: httpClient,
                    clock: ContinuousClock(), wallClock: wallClock, listeners: [recorder], watch: watch, logger: logger
                ).test(.live, test)
            } else {
                try await buildApplication(
                    configuration: configuration, runtime: runtime, engines: engines, database: database,
                    httpClient: httpClient,
                    clock: clock, wallClock: wallClock, listeners: [recorder], watch: watch, logger: logger
                ).test(.live, test)
            }
        } catch {
            try? await httpClient.shutdown()
            throw error
        }
        try await httpClient.shutdown()
    }
}

/// A test client that checks every response against the OpenAPI document.
struct APIClient: Sendable {
    let client: any TestClientProtocol
    let validator: OpenAPIValidator
    var token: String?

    /// A response, already validated.
    struct Reply: Sendable {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var body: Data

        /// The body as JSON.
        var json: JSONValue { (try? JSONValue.parse(bytes: body, envelope: 3)) ?? .null }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    @discardableResult
    func send(
        _ method: HTTPRequest.Method, _ uri: String, json: String? = nil, headers: HTTPFields = [:],
        authorized: Bool = true, validate: Bool = true
    ) async throws -> Reply {
        var headers = headers
        if json != nil, headers[.contentType] == nil { headers[.contentType] = "application/json" }
        if authorized, let token { headers[.authorization] = "Bearer \(token)" }
        let response = try await client.execute(
            uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
        let reply = Reply(
            status: response.status, headers: response.headers, body: Data(response.body.readableBytesView))
        if validate {
            let path = String(uri.split(separator: "?", maxSplits: 1).first ?? "")
            try validator.validate(
                method: method.rawValue, path: path, status: Int(reply.status.code),
                contentType: reply.headers[.contentType], body: reply.body)
        }
        return reply
    }

    func get(_ uri: String) async throws -> Reply { try await send(.get, uri) }

    /// A client that opens as many connections as there are requests (the default pool stops at 8).
    static let wideClient: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 128
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// POSTs on a connection of its own (the test client has one connection, which serializes requests),
    /// so concurrent calls really reach the server concurrently.
    func postConcurrently(_ uri: String, _ json: String) async throws -> Reply {
        try await sendConcurrently("POST", uri, json)
    }

    /// Sends on a connection of its own, as `postConcurrently` does.
    func sendConcurrently(_ method: String, _ uri: String, _ json: String) async throws -> Reply {
        let port = try #require(client.port)
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(uri)")
        request.method = .init(rawValue: method)
        request.headers.add(name: "Content-Type", value: "application/json")
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        request.body = .bytes(ByteBuffer(string: json))
        let response = try await Self.wideClient.execute(request, timeout: .seconds(60))
        let body = try await response.body.collect(upTo: 1 << 20)
        var headers = HTTPFields()
        for header in response.headers {
            if let name = HTTPField.Name(header.name) { headers.append(HTTPField(name: name, value: header.value)) }
        }
        let reply = Reply(
            status: HTTPResponse.Status(code: Int(response.status.code)), headers: headers,
            body: Data(body.readableBytesView))
        try validator.validate(
            method: method, path: String(uri.split(separator: "?").first ?? ""), status: Int(reply.status.code),
            contentType: reply.headers[.contentType], body: reply.body)
        return reply
    }
    @discardableResult
    func post(_ uri: String, _ json: String? = nil) async throws -> Reply { try await send(.post, uri, json: json) }
}

extension JSONValue {
    /// The member of an object, or `.null`.
    subscript(_ key: String) -> JSONValue {
        if case .object(let object) = self { return object[key] ?? .null }
        return .null
    }

    /// The element of an array, or `.null`.
    subscript(_ index: Int) -> JSONValue {
        if case .array(let array) = self, array.indices.contains(index) { return array[index] }
        return .null
    }

    var string: String? {
        if case .string(let string) = self { return string }
        return nil
    }

    var int: Int? {
        if case .number(let number) = self { return number.int64Value.map(Int.init) }
        return nil
    }

    var int64: Int64? {
        if case .number(let number) = self { return number.int64Value }
        return nil
    }

    var double: Double? {
        if case .number(let number) = self { return number.doubleValue }
        return nil
    }

    var array: [JSONValue] {
        if case .array(let array) = self { return array }
        return []
    }
}
