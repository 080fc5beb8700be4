import Foundation

/// The API's routes as the OpenAPI document declares them: for each path template, the methods it serves
/// and, for an operation that reads a body, the media types it accepts. The method check (405) and the
/// content-type check (415) read it, so the document stays the one list of routes.
struct RouteTable: Sendable {
    /// One path template's operations: method (upper case) → accepted body media types (empty: no body).
    struct Route: Sendable {
        var template: String
        var operations: [String: Set<String>]

        /// The methods for an `Allow` header, in a fixed order.
        var allow: String { operations.keys.sorted().joined(separator: ", ") }
    }

    let routes: [Route]
    /// The methods of the operations that read a body; a request with another method needs no 415 lookup.
    let bodyMethods: Set<String>

    /// Reads the document shipped with the binary.
    static func load() throws -> RouteTable {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json") else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "openapi.json"])
        }
        return try RouteTable(openAPIDocument: Data(contentsOf: url))
    }

    init(openAPIDocument: Data) throws {
        let document = try JSONSerialization.jsonObject(with: openAPIDocument) as? [String: Any]
        let paths = document?["paths"] as? [String: [String: Any]] ?? [:]
        let methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
        routes = paths.keys.sorted().map { template in
            var operations: [String: Set<String>] = [:]
            for method in methods {
                guard let operation = paths[template]?[method] as? [String: Any] else { continue }
                let content = (operation["requestBody"] as? [String: Any])?["content"] as? [String: Any]
                operations[method.uppercased()] = Set(content?.keys.map { $0.lowercased() } ?? [])
            }
            return Route(template: template, operations: operations)
        }
        bodyMethods = Set(routes.flatMap { route in route.operations.filter { !$0.value.isEmpty }.keys })
    }

    /// The route whose template matches `path` (a template with more literal segments wins); nil if none.
    func route(for path: String) -> Route? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        var best: (route: Route, literals: Int)?
        for route in routes {
            let parts = route.template.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == segments.count else { continue }
            var literals = 0
            let matches = zip(parts, segments).allSatisfy { part, segment in
                if part.hasPrefix("{") && part.hasSuffix("}") { return !segment.isEmpty }
                literals += 1
                return part == segment
            }
            if matches, literals > best?.literals ?? -1 { best = (route, literals) }
        }
        return best?.route
    }
}
