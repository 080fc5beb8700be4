import DormouseClient
import Lifecycle
import Logging
import Registry

/// Everything `dormouse serve` is configured with; the only place the environment is read.
///
/// Environment variables (flags of `dormouse serve` override them):
/// - `DORMOUSE_HOST` (string, default `127.0.0.1`): the address to bind. A non-loopback address needs
///   `DORMOUSE_API_TOKEN`, or `--insecure`.
/// - `DORMOUSE_PORT` (integer, default `7070`; `0` picks a free port).
/// - `DORMOUSE_DB` (path, default `$XDG_DATA_HOME/dormouse/dormouse.sqlite`, else
///   `~/.local/share/dormouse/dormouse.sqlite`): the SQLite database file (created with its folder).
/// - `DORMOUSE_AUDIT_RETENTION_DAYS` (integer ≥ 1, default `90`): lifecycle audit rows older than this are pruned.
/// - `DORMOUSE_AUDIT_MAX_ROWS` (integer ≥ 1, default unset): keep at most this many audit rows.
/// - `DORMOUSE_API_TOKEN` (string, default unset): the bearer token clients must send; never logged.
/// - `DORMOUSE_READ_TOKEN` (string, default unset; needs `DORMOUSE_API_TOKEN`, must differ from it): a read-only
///   bearer token, taken on GET routes, `/events`, `POST /events/token`, `/metrics` and the dashboard; 403 on
///   the routes that change state. Never logged.
/// - `DORMOUSE_ALLOWED_HOSTS` (comma-separated `host` or `host:port`, default unset): more names the server
///   answers as, besides its bind address, `localhost`, `127.0.0.1` and `[::1]` with its port (a wildcard
///   bind also answers as its interfaces' addresses); another `Host` is answered 421. A name without a port
///   matches any port.
/// - `DORMOUSE_CORS_ORIGINS` (comma-separated origins such as `https://grafana.example`, default unset): the
///   only origins that get CORS headers and a preflight answer, and may change state from a browser. Unset:
///   no CORS header is ever sent.
/// - `DOCKER_HOST` (string, default `unix:///var/run/docker.sock`): the Docker Engine API endpoint,
///   `unix:///path` or `tcp://host:port`.
/// - `DORMOUSE_ENGINES` (comma-separated `name=url`, `unix:///path` or `tcp://host:port`, default unset): more
///   engines agents may name (`"engine": "name"`); the engine of `DOCKER_HOST` is `local` unless the list names
///   `local` itself. Plain TCP to a non-loopback address is refused unless `--insecure`.
/// - `DORMOUSE_ENGINE_CERTS` (folder, default unset): a `tcp://` engine whose `<folder>/<name>/` exists is spoken
///   to over TLS with the `ca.pem`, `cert.pem` and `key.pem` in it (the `DOCKER_CERT_PATH` convention).
/// - `DORMOUSE_KUBERNETES` (`in-cluster` or a kubeconfig path, default unset): the cluster whose Deployments
///   Kubernetes agents (`"kubernetes": {...}`) scale; `in-cluster` uses the pod's service account (token and CA
///   under `/var/run/secrets/kubernetes.io/serviceaccount`, `KUBERNETES_SERVICE_HOST`/`_PORT`). Token auth only.
/// - `DORMOUSE_KUBERNETES_CONTEXT` (string, default the kubeconfig's current context): the kubeconfig context used.
/// - `LOG_LEVEL` (`trace`…`critical`, default `info`).
/// - `DORMOUSE_HEADER_TIMEOUT_S` (seconds, fractions allowed, default `10`): a connection that has not sent a
///   whole request head this long after opening (or after the first byte of its next request) is closed.
/// - `DORMOUSE_IDLE_TIMEOUT_S` (seconds, fractions allowed, default `60`): a kept-alive connection with no request
///   under way is closed after this; an event stream being written is never cut.
/// - `DORMOUSE_MAX_CONNECTIONS` (integer ≥ 1, default half the open-file limit, at most 4096): connections open at
///   once; one more is answered 503 with `Retry-After` and closed. `serve` raises the soft open-file limit to the
///   hard one first.
/// - `DORMOUSE_WATCH` (`1`/`true`/`yes` or `0`/`false`/`no`, default `0`; `serve --watch` sets it): also run the
///   session watcher in this process, posting to Mattermost; its settings come from `WatcherEnvironment`.
/// - `DORMOUSE_ALLOW_HOST_AGENTS` (`1`/`true`/`yes` or `0`/`false`/`no`, default `0`; `serve --allow-host-agents`
///   sets it): allow host-mode agents, whose commands run on this machine as the server's user.
/// - `DORMOUSE_WEBHOOK_TIMEOUT_S` (seconds, fractions allowed, default `10`): one webhook delivery attempt.
/// - `DORMOUSE_WEBHOOK_FAILING_AFTER` (integer ≥ 1, default `5`): consecutive failed attempts after which a webhook
///   is shown as failing (delivery goes on retrying).
package struct ServerConfiguration: Sendable {
    package var host = "127.0.0.1"
    package var port = 7070
    package var apiToken: String?
    /// The edge: the read-only token, extra `Host` names and CORS origins (see `ServerConfiguration+Edge`).
    package var readToken: String?
    package var allowedHosts: [HostAuthority] = []
    package var corsOrigins: [String] = []
    package var databasePath = DormouseDatabase.defaultPath(environment: [:])
    package var auditRetention = AuditRetention<ContinuousClock>.Policy()
    package var dockerEndpoint = DockerEndpoint.localSocket
    /// The named engines of `DORMOUSE_ENGINES` (one may be `local`, replacing `DOCKER_HOST`).
    package var engines: [EngineDefinition] = []
    /// The cluster of `DORMOUSE_KUBERNETES` (see `ServerConfiguration+Kubernetes`); nil: none.
    package var kubernetes: KubernetesSource?
    package var logLevel = Logger.Level.info
    package var insecure = false
    /// Run the session watcher in the same process (its health at `GET /watch/health`).
    package var watch = false
    /// Header and idle timeouts and the connection cap.
    package var connections = ConnectionLimits()
    /// Host-mode agents may be declared and run (off by default: they run any command as the server's user).
    package var allowsHostAgents = false
    /// `DORMOUSE_WARM_MEMORY_MB` in bytes: what paused workers may hold in all (nil: no limit).
    package var warmMemoryLimitBytes: UInt64?
    /// Webhook delivery: timeout, failing threshold, backoff.
    package var webhooks = WebhookSettings()

    /// Reads the variables above from `environment`; a malformed value is an error naming the variable.
    package static func fromEnvironment(_ environment: [String: String]) throws -> ServerConfiguration {
        var configuration = ServerConfiguration()
        configuration.databasePath = DormouseDatabase.defaultPath(environment: environment)
        if let path = environment["DORMOUSE_DB"], !path.isEmpty { configuration.databasePath = path }
        if let days = try positiveInteger("DORMOUSE_AUDIT_RETENTION_DAYS", environment) {
            configuration.auditRetention.maxAge = .seconds(days * 86_400)
        }
        configuration.auditRetention.maxRows = try positiveInteger("DORMOUSE_AUDIT_MAX_ROWS", environment)
        if let host = environment["DORMOUSE_HOST"], !host.isEmpty { configuration.host = host }
        if let port = environment["DORMOUSE_PORT"], !port.isEmpty {
            guard let value = Int(port), (0...65_535).contains(value) else {
                throw ConfigurationError("DORMOUSE_PORT must be a port number, got \"\(port)\"")
            }
            configuration.port = value
        }
        if let token = environment["DORMOUSE_API_TOKEN"], !token.isEmpty { configuration.apiToken = token }
        try configuration.readEdge(from: environment)
        if let dockerHost = environment["DOCKER_HOST"], !dockerHost.isEmpty {
            guard let endpoint = DockerEndpoint(dockerHost: dockerHost) else {
                throw ConfigurationError("DOCKER_HOST must be unix:///path or tcp://host:port, got \"\(dockerHost)\"")
            }
            configuration.dockerEndpoint = endpoint
        }
        if let engines = environment["DORMOUSE_ENGINES"], !engines.isEmpty {
            configuration.engines = try parseEngines(engines, certificates: environment["DORMOUSE_ENGINE_CERTS"])
        }
        configuration.kubernetes = try kubernetesSource(environment)
        if let level = environment["LOG_LEVEL"], !level.isEmpty {
            guard let value = Logger.Level(rawValue: level.lowercased()) else {
                throw ConfigurationError(
                    "LOG_LEVEL must be one of trace, debug, info, notice, warning, error, critical")
            }
            configuration.logLevel = value
        }
        configuration.connections = try connectionLimits(environment)
        if let timeout = try positiveSeconds("DORMOUSE_WEBHOOK_TIMEOUT_S", environment) {
            configuration.webhooks.timeout = timeout
        }
        if let failures = try positiveInteger("DORMOUSE_WEBHOOK_FAILING_AFTER", environment) {
            configuration.webhooks.failingAfter = failures
        }
        if let watch = environment["DORMOUSE_WATCH"], !watch.isEmpty {
            switch watch.lowercased() {
            case "1", "true", "yes": configuration.watch = true
            case "0", "false", "no": configuration.watch = false
            default: throw ConfigurationError("DORMOUSE_WATCH must be 1 or 0 (true/false, yes/no), got \"\(watch)\"")
            }
        }
        if let allow = environment["DORMOUSE_ALLOW_HOST_AGENTS"], !allow.isEmpty {
            switch allow.lowercased() {
            case "1", "true", "yes": configuration.allowsHostAgents = true
            case "0", "false", "no": configuration.allowsHostAgents = false
            default:
                throw ConfigurationError(
                    "DORMOUSE_ALLOW_HOST_AGENTS must be 1 or 0 (true/false, yes/no), got \"\(allow)\"")
            }
        }
        do {
            configuration.warmMemoryLimitBytes = try WarmMemoryBudget<ContinuousClock.Instant>.limit(
                fromEnvironmentValue: environment[WarmMemoryBudget<ContinuousClock.Instant>.environmentVariable])
        } catch {
            throw ConfigurationError("\(error)")
        }
        return configuration
    }

    private static func positiveInteger(_ name: String, _ environment: [String: String]) throws -> Int? {
        guard let text = environment[name], !text.isEmpty else { return nil }
        guard let value = Int(text), value > 0 else {
            throw ConfigurationError("\(name) must be a positive whole number, got \"\(text)\"")
        }
        return value
    }

    /// Refuses to expose the API beyond this machine without a token.
    package func validate() throws {
        try validateEdge()
        try validateEngines()
        guard apiToken == nil, !insecure, !Self.isLoopback(host) else { return }
        throw ConfigurationError(
            "refusing to listen on \(host) without DORMOUSE_API_TOKEN; set a token, bind to 127.0.0.1, or pass --insecure"
        )
    }
}
