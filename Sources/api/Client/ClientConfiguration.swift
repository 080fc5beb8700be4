import Registry

/// Everything the operator commands (`agents`, `dispatch`, `tasks`, `db`) are configured with; the only
/// place they read the environment. Flags (`--url`, `--token`, `--db`) override the variables.
///
/// - `DORMOUSE_URL` (URL, default `http://127.0.0.1:7070`): the server to talk to.
/// - `DORMOUSE_API_TOKEN` (string, default unset): sent as `Authorization: Bearer …`; never printed.
/// - `DORMOUSE_DB` (path, default as for `serve`): the database `db prune` works on.
/// - `NO_COLOR` (any non-empty value, default unset): no colour, even on a terminal.
package struct ClientConfiguration: Sendable {
    package static let defaultURL = "http://127.0.0.1:7070"

    package var url = Self.defaultURL
    package var apiToken: String?
    package var databasePath = DormouseDatabase.defaultPath(environment: [:])
    package var colorAllowed = true

    /// Reads the variables above from `environment`.
    package static func fromEnvironment(_ environment: [String: String]) -> ClientConfiguration {
        var configuration = ClientConfiguration()
        if let url = environment["DORMOUSE_URL"], !url.isEmpty { configuration.url = url }
        if let token = environment["DORMOUSE_API_TOKEN"], !token.isEmpty { configuration.apiToken = token }
        configuration.databasePath = DormouseDatabase.defaultPath(environment: environment)
        if let path = environment["DORMOUSE_DB"], !path.isEmpty { configuration.databasePath = path }
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { configuration.colorAllowed = false }
        return configuration
    }

    /// The URL without a trailing slash, so paths can be appended.
    package var baseURL: String {
        var url = url
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }
}
