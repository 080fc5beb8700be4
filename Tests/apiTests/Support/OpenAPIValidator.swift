import Foundation

/// Checks API responses against Dormouse's OpenAPI 3.1 document: the operation, status and content type must be
/// declared, and the body must match the declared schema (the JSON Schema 2020-12 subset the document uses).
struct OpenAPIValidator: Sendable {
    /// Why a response, or the document itself, does not pass.
    struct Failure: Error, CustomStringConvertible {
        /// A JSON pointer into the response body ("" for the whole body); nil when the failure is not about the body.
        var pointer: String?
        /// A JSON pointer into the document ("#/paths/..."): the declaration or schema keyword that failed.
        var schemaPointer: String
        var reason: String

        var description: String {
            guard let pointer else { return "\(schemaPointer): \(reason)" }
            return "body at \"\(pointer)\" fails \(schemaPointer): \(reason)"
        }
    }

    /// The HTTP methods a path item may declare, in the document's order.
    static let methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    /// The repo's document, found from this file's path: `Sources/api/Server/Resources/openapi.json`.
    static let documentURL = URL(fileURLWithPath: #filePath)  // <root>/Tests/apiTests/Support/OpenAPIValidator.swift
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/api/Server/Resources/openapi.json")

    let document: JSON
    private let paths: [String: JSON]

    /// Parses the document; throws when it is not JSON, has no paths, or uses a schema keyword this validator
    /// cannot check (so that nothing in it is silently left unchecked).
    init(document data: Data) throws {
        let document: JSON
        do {
            document = try JSON.parse(data)
        } catch {
            throw Failure(schemaPointer: "#", reason: "the document is not JSON: \(error)")
        }
        guard case .object(let paths)? = document["paths"] else {
            throw Failure(schemaPointer: "#/paths", reason: "missing, or not an object")
        }
        self.document = document
        self.paths = paths
        if let failure = schemaFailures().first { throw failure }
    }

    /// The validator for the repo's `openapi.json`.
    static func load() throws -> OpenAPIValidator {
        try OpenAPIValidator(document: Data(contentsOf: documentURL))
    }

    /// Throws a `Failure` when the response does not match: the path (a template such as "/agents/{name}", or a
    /// concrete path), the method, the status (or a `default` response) and the content type must be declared,
    /// and the body must validate against the schema declared for that content type.
    func validate(method: String, path: String, status: Int, contentType: String?, body: Data) throws {
        let operation = try operation(method: method, path: path)
        let response = try response(status: status, operation: operation.value, at: operation.pointer)
        try checkBody(body, contentType: contentType, response: response.value, at: response.pointer)
    }

    /// Throws when `body` does not match the reusable response `#/components/responses/<name>` (for answers no
    /// operation declares, such as 405 to a method a path does not serve).
    func validate(componentResponse name: String, contentType: String?, body: Data) throws {
        let pointer = "#/components/responses/\(name)"
        guard let response = resolve(pointer) else { throw Failure(schemaPointer: pointer, reason: "missing") }
        try checkBody(body, contentType: contentType, response: response, at: pointer)
    }

    /// Every (method, path template) the document declares, sorted by path; methods upper-case.
    var operations: [(method: String, path: String)] {
        paths.keys.sorted().flatMap { path in
            Self.methods.filter { paths[path]?[$0] != nil }.map { (method: $0.uppercased(), path: path) }
        }
    }

    /// The path template matching a concrete path such as "/agents/w1/tasks" (a query string is ignored); a
    /// template with more literal segments wins, so "/agents/new" would beat "/agents/{name}".
    func template(for concretePath: String) -> String? {
        let path = concretePath.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0]
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        var best: (template: String, literals: Int)?
        for template in paths.keys.sorted() {
            let parts = template.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == segments.count else { continue }
            var literals = 0
            let matches = zip(parts, segments).allSatisfy { part, segment in
                if part.hasPrefix("{") && part.hasSuffix("}") { return !segment.isEmpty }
                literals += 1
                return part == segment
            }
            if matches, literals > best?.literals ?? -1 { best = (template, literals) }
        }
        return best?.template
    }

    /// The value at a local reference such as "#/components/schemas/Agent"; nil when it does not resolve.
    func resolve(_ reference: String) -> JSON? {
        guard reference.hasPrefix("#") else { return nil }
        let tokens = reference.dropFirst().split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        var value = document
        for token in tokens {
            let key = (token.removingPercentEncoding ?? String(token))
                .replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            if case .object(let members) = value, let member = members[key] {
                value = member
            } else if case .array(let items) = value, let index = Int(key), items.indices.contains(index) {
                value = items[index]
            } else {
                return nil
            }
        }
        return value
    }

    /// `base` with one more JSON pointer token, escaped.
    static func pointer(_ base: String, _ token: String) -> String {
        base + "/" + token.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }

    private func operation(method: String, path: String) throws -> (value: JSON, pointer: String) {
        guard let template = paths[path] != nil ? path : template(for: path), let item = paths[template] else {
            throw Failure(schemaPointer: "#/paths", reason: "no path template matches \(path)")
        }
        let itemPointer = Self.pointer("#/paths", template)
        guard let operation = item[method.lowercased()], Self.methods.contains(method.lowercased()) else {
            let declared = Self.methods.filter { item[$0] != nil }.map { $0.uppercased() }.joined(separator: ", ")
            throw Failure(
                schemaPointer: itemPointer,
                reason: "\(method.uppercased()) is not declared for \(template) (declared: \(declared))")
        }
        return (operation, Self.pointer(itemPointer, method.lowercased()))
    }

    private func response(status: Int, operation: JSON, at pointer: String) throws -> (value: JSON, pointer: String) {
        let responsesPointer = pointer + "/responses"
        guard case .object(let responses)? = operation["responses"] else {
            throw Failure(schemaPointer: responsesPointer, reason: "missing, or not an object")
        }
        let candidates = [String(status), "\(status / 100)XX", "default"]
        guard let key = candidates.first(where: { responses[$0] != nil }), var response = responses[key] else {
            let declared = responses.keys.sorted().joined(separator: ", ")
            throw Failure(
                schemaPointer: responsesPointer, reason: "status \(status) is not declared (declared: \(declared))")
        }
        var location = Self.pointer(responsesPointer, key)
        for _ in 0..<8 {
            guard case .string(let reference)? = response["$ref"] else { return (response, location) }
            guard let target = resolve(reference) else {
                throw Failure(schemaPointer: location, reason: "$ref \(reference) does not resolve")
            }
            (response, location) = (target, reference)
        }
        throw Failure(schemaPointer: location, reason: "$ref chain too long")
    }

    private func checkBody(_ body: Data, contentType: String?, response: JSON, at pointer: String) throws {
        guard case .object(let content)? = response["content"], !content.isEmpty else {
            guard body.isEmpty else {
                throw Failure(schemaPointer: pointer, reason: "declares no body, but \(body.count) bytes came")
            }
            return
        }
        let declared = content.keys.sorted().joined(separator: ", ")
        guard let contentType, let mediaType = MediaType.match(contentType, among: content.keys) else {
            throw Failure(
                schemaPointer: pointer + "/content",
                reason: "content type \(contentType ?? "(none)") is not declared (declared: \(declared))")
        }
        let mediaPointer = Self.pointer(pointer + "/content", mediaType)
        guard let schema = content[mediaType]?["schema"] else { return }
        let value: JSON
        if MediaType.isJSON(mediaType) {
            do {
                value = try JSON.parse(body)
            } catch {
                throw Failure(pointer: "", schemaPointer: mediaPointer, reason: "the body is not JSON: \(error)")
            }
        } else {
            guard let text = String(data: body, encoding: .utf8) else {
                throw Failure(pointer: "", schemaPointer: mediaPointer, reason: "the body is not UTF-8 text")
            }
            value = .string(text)
        }
        if let failure = check(value, against: schema, at: .init(instance: "", schema: mediaPointer + "/schema")) {
            throw failure
        }
    }
}

/// Content-type matching: "application/json; charset=utf-8" matches a declared "application/json", and a
/// declared parameter such as "version=0.0.4" must be present in the response's content type.
private enum MediaType {
    static func match(_ contentType: String, among declared: some Collection<String>) -> String? {
        let (base, parameters) = parse(contentType)
        let candidates = declared.sorted().map { ($0, parse($0)) }
        let exact = candidates.filter { $0.1.base == base && $0.1.parameters.isSubset(of: parameters) }
        if let best = exact.max(by: { $0.1.parameters.count < $1.1.parameters.count }) { return best.0 }
        let type = String(base.prefix { $0 != "/" }) + "/*"
        return candidates.first { $0.1.base == type }?.0 ?? candidates.first { $0.1.base == "*/*" }?.0
    }

    static func isJSON(_ mediaType: String) -> Bool {
        let base = parse(mediaType).base
        return base == "application/json" || base.hasSuffix("+json")
    }

    /// The lower-cased type/subtype and the parameters as "name=value" (quotes removed).
    static func parse(_ mediaType: String) -> (base: String, parameters: Set<String>) {
        let parts = mediaType.lowercased().split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        let parameters = parts.dropFirst().map { parameter in
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            return pair.count == 2 ? pair[0] + "=" + pair[1].trimmingCharacters(in: ["\""]) : parameter
        }
        return (parts.first ?? "", Set(parameters))
    }
}
