import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Lifecycle
import Testing

@testable import Server

@Suite("openapi.json")
struct OpenAPIDocumentTests {
    typealias JSON = OpenAPIValidator.JSON

    /// Loaded per test, so that the checks that read the file themselves still run when loading fails.
    var validator: OpenAPIValidator {
        get throws { try OpenAPIValidator.load() }
    }

    /// The document as JSONSerialization reads it, so these checks do not lean on the validator's own parser.
    static func foundationDocument() throws -> [String: Any] {
        let data = try Data(contentsOf: OpenAPIValidator.documentURL)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func isAnOpenAPI31Document() throws {
        let document = try Self.foundationDocument()
        #expect(document["openapi"] as? String == "3.1.0")
        let info = try #require(document["info"] as? [String: Any])
        #expect(info["title"] as? String == "Dormouse")
        #expect(info["version"] as? String == "0.1.0")
        let servers = try #require(document["servers"] as? [[String: Any]])
        #expect(servers.map { $0["url"] as? String } == ["http://127.0.0.1:7070"])
    }

    @Test func usesOnlySchemaKeywordsTheValidatorChecks() throws {
        let document = try Data(contentsOf: OpenAPIValidator.documentURL)
        #expect(throws: Never.self) { try OpenAPIValidator(document: document) }
    }

    @Test func everyReferenceResolves() throws {
        let document = try Self.foundationDocument()
        var references: [String] = []
        func collect(_ value: Any) {
            if let object = value as? [String: Any] {
                if let reference = object["$ref"] as? String { references.append(reference) }
                object.values.forEach(collect)
            } else if let array = value as? [Any] {
                array.forEach(collect)
            }
        }
        collect(document)
        #expect(references.count > 50)
        for reference in references {
            var value: Any? = document
            for token in reference.split(separator: "/").dropFirst() {
                let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
                value = (value as? [String: Any])?[key]
            }
            #expect(reference.hasPrefix("#/components/") && value != nil, "\(reference) does not resolve")
        }
    }

    @Test func declaresTheWholeAPI() throws {
        let operations = try validator.operations.map { "\($0.method) \($0.path)" }
        #expect(
            operations == [
                "GET /", "GET /agents", "POST /agents", "GET /agents/{name}", "DELETE /agents/{name}",
                "PATCH /agents/{name}",
                "GET /agents/{name}/events", "POST /agents/{name}/start", "POST /agents/{name}/stop",
                "GET /agents/{name}/tasks", "POST /agents/{name}/tasks", "GET /agents/{name}/timeline", "GET /events",
                "POST /events/token", "GET /health", "GET /metrics",
                "GET /openapi.json", "GET /tasks/{id}", "GET /timeline", "GET /watch/health", "GET /watch/sessions",
                "GET /webhooks", "POST /webhooks", "GET /webhooks/{id}", "DELETE /webhooks/{id}",
            ])
    }

    @Test func everyOperationHasAnIdAndDeclaresItsErrors() throws {
        let validator = try validator
        var operationIDs: Set<String> = []
        for (method, path) in validator.operations {
            let operation = try #require(validator.document["paths"]?[path]?[method.lowercased()])
            let name = "\(method) \(path)"
            guard case .string(let operationID)? = operation["operationId"] else {
                Issue.record("\(name) has no operationId")
                continue
            }
            #expect(operationIDs.insert(operationID).inserted, "\(name): operationId \(operationID) is used twice")
            #expect(operation["summary"] != nil && operation["description"] != nil, "\(name) needs both")
            guard case .object(let responses)? = operation["responses"] else {
                Issue.record("\(name) has no responses")
                continue
            }
            // The edge answers 421 to a Host it does not answer as, on every operation (`/health` too).
            var expected: Set<String> = ["421"]
            if ["POST", "PUT", "PATCH", "DELETE"].contains(method) { expected.insert("403") }
            if path == "/health" || path == "/" {
                #expect(operation["security"] == .array([]), "\(path) must not ask for the token")
            } else {
                #expect(operation["security"] == nil, "\(name) must use the global bearer security")
                expected.insert("401")
            }
            if operation["requestBody"] != nil { expected.formUnion(["400", "413", "415", "422"]) }
            if path.contains("{") { expected.insert("404") }
            let missing = expected.subtracting(responses.keys)
            #expect(missing.isEmpty, "\(name) does not declare \(missing.sorted())")
            #expect(
                (responses["415"] != nil) == (operation["requestBody"] != nil), "\(name): 415 only where a body is read"
            )
            for status in responses.keys where status.first == "4" || status.first == "5" {
                try expectProblem(responses[status]!, status: status, in: name, of: validator)
            }
        }
    }

    /// An error response resolves to a problem+json body, with Retry-After on 429 and 503.
    func expectProblem(_ response: JSON, status: String, in name: String, of validator: OpenAPIValidator) throws {
        guard case .string(let reference)? = response["$ref"] else {
            Issue.record("\(name) \(status) should use #/components/responses")
            return
        }
        let resolved = try #require(validator.resolve(reference))
        guard case .object(let content)? = resolved["content"] else {
            Issue.record("\(name) \(status) declares no body")
            return
        }
        #expect(Array(content.keys) == ["application/problem+json"], "\(name) \(status)")
        let schema = content["application/problem+json"]?["schema"]
        #expect(schema == .object(["$ref": .string("#/components/schemas/Problem")]), "\(name) \(status)")
        if status == "429" || status == "503" {
            #expect(resolved["headers"]?["Retry-After"] != nil, "\(name) \(status) needs Retry-After")
        }
    }

    /// A response as the routes will send it.
    struct Example: Sendable, CustomTestStringConvertible {
        var method: String
        var path: String
        var status: Int
        var contentType = "application/json"
        var body: String
        var testDescription: String { "\(method) \(path) \(status)" }
    }

    static let metrics =
        #"{"counters": {"lazy_start": 2, "lazy_start_failed": 0, "lazy_stop": 1, "lazy_stop_failed": 0, "#
        + #""lazy_pause": 0, "lazy_pause_failed": 0, "lazy_resume": 0, "lazy_resume_failed": 0}, "#
        + #""last_event": {"type": "lazy_stop", "ts": 1760000000000, "detail": {"idle_seconds": 300.2, "trigger": "idle"}}}"#
    static let containerAgent =
        #"{"name": "w1", "mode": "container", "lifecycle": "lazy", "#
        + #""container": {"name": null, "image": "alpine:3.20", "command": ["sleep", "infinity"], "env": {"A": "1"}}, "#
        + #""idle_timeout_s": 300, "start_timeout_s": 60, "max_concurrency": 1, "max_queue": 100, "#
        + #""dispatch": {"type": "exec", "argv": ["cat"], "timeout_s": 30}, "#
        + #""created_at": 1760000000000, "updated_at": 1760000000001, "#
        + #""state": {"lifecycle_state": "stopped", "lifecycle_metrics": \#(metrics), "in_flight": 0, "queued": 0}}"#
    static let hostAgent =
        #"{"name": "h.1", "mode": "host", "lifecycle": null, "container": null, "#
        + #""idle_timeout_s": 300, "start_timeout_s": 60, "max_concurrency": 4, "max_queue": 0, "#
        + #""dispatch": {"type": "http", "port": 8080, "path": "/", "timeout_s": 30}, "#
        + #""created_at": 1, "updated_at": 1, "#
        + #""state": {"lifecycle_state": null, "lifecycle_metrics": null, "in_flight": 2, "queued": 5}}"#
    static let finishedTask =
        #"{"id": "t1", "agent": "w1", "status": "succeeded", "payload": {"q": [1, null]}, "#
        + #""created_at": 1, "started_at": 2, "finished_at": 3, "cold_start": true, "resumed": false, "wake_ms": 412.5, "#
        + #""exit_code": 0, "http_status": null, "output": "hi\n", "output_truncated": false, "error": null}"#
    static let queuedTask =
        #"{"id": "t2", "agent": "w1", "status": "queued", "payload": "text", "created_at": 1, "#
        + #""started_at": null, "finished_at": null, "cold_start": null, "resumed": null, "wake_ms": null, "#
        + #""exit_code": null, "#
        + #""http_status": null, "output": null, "output_truncated": false, "error": null}"#
    static let invalid =
        #"{"type": "urn:dormouse:problem:invalid", "title": "Invalid agent", "status": 422, "#
        + #""detail": "2 fields are invalid", "errors": [{"field": "dispatch.port", "message": "must be 1...65535"}]}"#

    static let webhook =
        #"{"id": "wh_0123456789abcdefghij", "url": "https://ci.example/hook", "types": null, "#
        + #""instances": ["w1"], "secret_hint": "…cdef", "created_at": 1760000000000, "state": "failing", "#
        + #""cursor": 41, "lag": 3, "consecutive_failures": 5, "last_error": "HTTP 500 Internal Server Error", "#
        + #""last_attempt_at": 1760000000100, "last_success_at": null, "delivered": 0, "failed": 5, "skipped": 0}"#

    static let examples: [Example] = [
        .init(method: "GET", path: "/webhooks", status: 200, body: #"{"webhooks": [\#(webhook)]}"#),
        .init(method: "POST", path: "/webhooks", status: 201, body: webhook),
        .init(method: "DELETE", path: "/webhooks/wh_0123456789abcdefghij", status: 204, contentType: "", body: ""),
        .init(method: "GET", path: "/agents", status: 200, body: #"{"agents": [\#(containerAgent), \#(hostAgent)]}"#),
        .init(method: "POST", path: "/agents", status: 201, body: containerAgent),
        .init(method: "PATCH", path: "/agents/h.1", status: 200, body: hostAgent),
        .init(method: "DELETE", path: "/agents/w1", status: 204, contentType: "", body: ""),
        .init(method: "POST", path: "/agents", status: 422, contentType: "application/problem+json", body: invalid),
        .init(method: "POST", path: "/agents/w1/tasks", status: 202, body: queuedTask),
        .init(method: "POST", path: "/agents/w1/tasks?wait=true", status: 200, body: finishedTask),
        .init(
            method: "POST", path: "/agents/w1/tasks", status: 429, contentType: "application/problem+json",
            body: #"{"type": "urn:dormouse:problem:queue-full", "title": "Queue full", "status": 429, "detail": "100"}"#
        ),
        .init(method: "GET", path: "/agents/w1/tasks", status: 200, body: #"{"tasks": [\#(finishedTask)]}"#),
        .init(method: "GET", path: "/tasks/t1", status: 200, body: queuedTask),
        .init(
            method: "POST", path: "/agents/w1/start", status: 200,
            body:
                #"{"agent": "w1", "action": "start", "result": "started", "wake_ms": 380, "lifecycle_state": "running"}"#
        ),
        .init(
            method: "GET", path: "/agents/w1/events", status: 200,
            body: #"{"events": [{"id": 7, "instance": "w1", "type": "lazy_start_failed", "ts": 1, "#
                + #""detail": {"error": "no such image", "trigger": "dispatch"}}], "next_after_id": 7}"#),
        .init(method: "GET", path: "/metrics", status: 200, contentType: "text/plain; version=0.0.4", body: "up 1\n"),
        .init(method: "GET", path: "/openapi.json", status: 200, body: #"{"openapi": "3.1.0"}"#),
    ]

    @Test(arguments: examples)
    func acceptsExample(_ example: Example) throws {
        try validator.validate(
            method: example.method, path: example.path, status: example.status,
            contentType: example.contentType.isEmpty ? nil : example.contentType, body: Data(example.body.utf8))
    }

    @Test func rejectsOutputMissingAFilledInDefault() throws {
        let validator = try validator
        let withoutTimeout = Self.containerAgent.replacingOccurrences(of: #", "timeout_s": 30"#, with: "")
        let failure = #expect(throws: OpenAPIValidator.Failure.self) {
            try validator.validate(
                method: "GET", path: "/agents/w1", status: 200, contentType: "application/json",
                body: Data(withoutTimeout.utf8))
        }
        #expect(failure?.pointer == "/dispatch")
        #expect(failure?.schemaPointer == "#/components/schemas/DispatchOut/oneOf")
    }
}
