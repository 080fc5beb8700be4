import Foundation
import HTTPTypes
import Testing

@testable import Server

@Suite("OpenAPIValidator")
struct OpenAPIValidatorTests {
    /// A small document with one of each shape the checks need.
    static let fixture = """
        {
          "openapi": "3.1.0",
          "info": { "title": "Pets", "version": "1" },
          "paths": {
            "/pets": {
              "get": { "responses": { "200": { "description": "ok", "content": { "application/json": {
                "schema": { "type": "array", "items": { "$ref": "#/components/schemas/Pet" } } } } } } },
              "post": { "responses": {
                "201": { "description": "ok", "content": { "application/json": {
                  "schema": { "$ref": "#/components/schemas/Pet" } } } },
                "default": { "$ref": "#/components/responses/Problem" } } }
            },
            "/pets/mine": { "get": { "responses": { "204": { "description": "none" } } } },
            "/pets/{name}": {
              "get": { "responses": {
                "200": { "description": "ok", "content": { "application/json": {
                  "schema": { "$ref": "#/components/schemas/Pet" } } } },
                "404": { "$ref": "#/components/responses/Problem" } } },
              "delete": { "responses": { "204": { "description": "deleted" } } }
            },
            "/shapes/{id}": { "get": { "responses": { "200": { "description": "ok", "content": {
              "application/json": { "schema": { "$ref": "#/components/schemas/Shape" } } } } } } },
            "/metrics": { "get": { "responses": { "200": { "description": "ok", "content": {
              "text/plain; version=0.0.4": { "schema": { "type": "string", "minLength": 1 } } } } } } }
          },
          "components": {
            "schemas": {
              "Pet": {
                "type": "object",
                "properties": {
                  "name": { "type": "string", "pattern": "^[a-z]+$" },
                  "kind": { "enum": ["cat", "dog"] },
                  "age": { "type": "integer", "minimum": 0, "maximum": 40 },
                  "owner": { "type": ["string", "null"] },
                  "good": { "type": "boolean" },
                  "tags": { "type": "array", "items": { "type": "string" }, "minItems": 1 },
                  "extra": { "type": "object", "additionalProperties": { "type": "number" } }
                },
                "required": ["name", "kind", "age", "owner"],
                "additionalProperties": false
              },
              "Shape": { "oneOf": [
                { "properties": { "kind": { "const": "circle" }, "r": { "type": "number" } }, "required": ["kind", "r"] },
                { "properties": { "kind": { "const": "square" } }, "required": ["kind"] },
                { "properties": { "side": { "type": "integer" } }, "required": ["side"] }
              ] },
              "Problem": {
                "type": "object",
                "properties": { "status": { "type": "integer" }, "title": { "type": "string" } },
                "required": ["status", "title"],
                "additionalProperties": false
              }
            },
            "responses": { "Problem": { "description": "error", "content": {
              "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } } }
          }
        }
        """

    static let pet = #"{"name": "rex", "kind": "dog", "age": 3, "owner": null, "good": true, "tags": ["a"]}"#

    let validator: OpenAPIValidator

    init() throws {
        validator = try OpenAPIValidator(document: Data(Self.fixture.utf8))
    }

    func validate(_ method: String, _ path: String, _ status: Int, _ contentType: String?, _ body: String) throws {
        try validator.validate(
            method: method, path: path, status: status, contentType: contentType, body: Data(body.utf8))
    }

    @Test func acceptsResponsesThatMatch() throws {
        let json = "application/json; charset=utf-8"
        try validate("GET", "/pets/rex", 200, json, Self.pet)
        try validate(
            "GET", "/pets/{name}", 200, "application/json", #"{"name": "a", "kind": "cat", "age": 2.0, "owner": "x"}"#)
        try validate("GET", "/pets", 200, json, "[\(Self.pet), \(Self.pet)]")
        try validate(
            "POST", "/pets", 201, json, Self.pet.replacingOccurrences(of: "}", with: #", "extra": {"w": 1.5}}"#))
        try validate("POST", "/pets", 500, "application/problem+json", #"{"status": 500, "title": "boom"}"#)
        try validate("GET", "/pets/rex", 404, "application/problem+json", #"{"status": 404, "title": "gone"}"#)
        try validate("DELETE", "/pets/rex", 204, nil, "")
        try validate("get", "/pets/mine", 204, nil, "")
        try validate("GET", "/shapes/1", 200, json, #"{"kind": "circle", "r": 1}"#)
        try validate("GET", "/shapes/1", 200, json, #"{"kind": "square", "side": 2.5}"#)
        try validate("GET", "/metrics", 200, "text/plain; version=0.0.4; charset=utf-8", "dormouse_up 1\n")
    }

    /// A response the validator must refuse, where it must point, and what it must say.
    struct Rejection: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var method = "GET"
        var path = "/pets/rex"
        var status = 200
        var contentType: String? = "application/json"
        var body: String
        var pointer: String?
        var schemaPointer: String
        var reason: String
    }

    static let pets = "#/components/schemas/Pet"
    static let rejections: [Rejection] = [
        .init(
            testDescription: "missing required field", body: #"{"name": "rex", "kind": "dog", "owner": null}"#,
            pointer: "", schemaPointer: pets + "/required", reason: #""age" is missing"#),
        .init(
            testDescription: "string for an integer", body: pet.replacingOccurrences(of: "3", with: "\"3\""),
            pointer: "/age", schemaPointer: pets + "/properties/age/type", reason: "is string, not integer"),
        .init(
            testDescription: "boolean for an integer", body: pet.replacingOccurrences(of: ": 3", with: ": true"),
            pointer: "/age", schemaPointer: pets + "/properties/age/type", reason: "is boolean, not integer"),
        .init(
            testDescription: "number for a boolean", body: pet.replacingOccurrences(of: "true", with: "1"),
            pointer: "/good", schemaPointer: pets + "/properties/good/type", reason: "is integer, not boolean"),
        .init(
            testDescription: "fraction for an integer", body: pet.replacingOccurrences(of: ": 3", with: ": 2.5"),
            pointer: "/age", schemaPointer: pets + "/properties/age/type", reason: "is number, not integer"),
        .init(
            testDescription: "unknown property", body: pet.replacingOccurrences(of: "}", with: #", "color": "red"}"#),
            pointer: "/color", schemaPointer: pets + "/additionalProperties", reason: #""color" is not allowed"#),
        .init(
            testDescription: "bad enum value", body: pet.replacingOccurrences(of: "dog", with: "cow"),
            pointer: "/kind", schemaPointer: pets + "/properties/kind/enum", reason: #""cow" is not one of"#),
        .init(
            testDescription: "null where not allowed", body: pet.replacingOccurrences(of: "\"rex\"", with: "null"),
            pointer: "/name", schemaPointer: pets + "/properties/name/type", reason: "null is null, not string"),
        .init(
            testDescription: "pattern", body: pet.replacingOccurrences(of: "rex", with: "Rex"),
            pointer: "/name", schemaPointer: pets + "/properties/name/pattern", reason: "does not match"),
        .init(
            testDescription: "maximum", body: pet.replacingOccurrences(of: ": 3", with: ": 41"),
            pointer: "/age", schemaPointer: pets + "/properties/age/maximum", reason: "41 breaks maximum 40"),
        .init(
            testDescription: "array item", body: pet.replacingOccurrences(of: #"["a"]"#, with: #"["a", 1]"#),
            pointer: "/tags/1", schemaPointer: pets + "/properties/tags/items/type", reason: "not string"),
        .init(
            testDescription: "minItems", body: pet.replacingOccurrences(of: #"["a"]"#, with: "[]"),
            pointer: "/tags", schemaPointer: pets + "/properties/tags/minItems", reason: "fewer than 1"),
        .init(
            testDescription: "additionalProperties schema",
            body: pet.replacingOccurrences(of: "}", with: #", "extra": {"w": "heavy"}}"#),
            pointer: "/extra/w", schemaPointer: pets + "/properties/extra/additionalProperties/type",
            reason: "not number"),
        .init(
            testDescription: "oneOf matching no branch", path: "/shapes/1", body: #"{"kind": "circle"}"#,
            pointer: "", schemaPointer: "#/components/schemas/Shape/oneOf", reason: "matches none of the 3 branches"),
        .init(
            testDescription: "oneOf matching two branches", path: "/shapes/1", body: #"{"kind": "square", "side": 2}"#,
            pointer: "", schemaPointer: "#/components/schemas/Shape/oneOf", reason: "matches branches 1 and 2"),
        .init(
            testDescription: "error body through a $ref'd response", status: 404,
            contentType: "application/problem+json", body: #"{"status": "404", "title": "gone"}"#,
            pointer: "/status", schemaPointer: "#/components/schemas/Problem/properties/status/type",
            reason: "not integer"),
        .init(
            testDescription: "default response body", method: "POST", path: "/pets", status: 500,
            contentType: "application/problem+json", body: #"{"title": "boom"}"#,
            pointer: "", schemaPointer: "#/components/schemas/Problem/required", reason: #""status" is missing"#),
        .init(
            testDescription: "undeclared status", status: 500, body: "{}",
            schemaPointer: "#/paths/~1pets~1{name}/get/responses", reason: "status 500 is not declared"),
        .init(
            testDescription: "undeclared path", path: "/cats/tom", body: "{}",
            schemaPointer: "#/paths", reason: "no path template matches /cats/tom"),
        .init(
            testDescription: "undeclared method", method: "PUT", body: "{}",
            schemaPointer: "#/paths/~1pets~1{name}", reason: "PUT is not declared"),
        .init(
            testDescription: "undeclared content type", contentType: "text/html", body: pet,
            schemaPointer: "#/paths/~1pets~1{name}/get/responses/200/content", reason: "text/html is not declared"),
        .init(
            testDescription: "missing content type", contentType: nil, body: pet,
            schemaPointer: "#/paths/~1pets~1{name}/get/responses/200/content", reason: "(none) is not declared"),
        .init(
            testDescription: "missing media type parameter", path: "/metrics", contentType: "text/plain", body: "up 1",
            schemaPointer: "#/paths/~1metrics/get/responses/200/content", reason: "text/plain is not declared"),
        .init(
            testDescription: "body where none is declared", method: "DELETE", status: 204, contentType: nil, body: "x",
            schemaPointer: "#/paths/~1pets~1{name}/delete/responses/204", reason: "declares no body"),
        .init(
            testDescription: "body that is not JSON", body: #"{"name": "rex"} x"#,
            pointer: "", schemaPointer: "#/paths/~1pets~1{name}/get/responses/200/content/application~1json",
            reason: "trailing characters"),
    ]

    @Test(arguments: rejections)
    func rejects(_ rejection: Rejection) throws {
        let failure = #expect(throws: OpenAPIValidator.Failure.self) {
            try validate(rejection.method, rejection.path, rejection.status, rejection.contentType, rejection.body)
        }
        #expect(failure?.pointer == rejection.pointer)
        #expect(failure?.schemaPointer == rejection.schemaPointer)
        #expect(failure?.reason.contains(rejection.reason) == true, "\(String(describing: failure))")
    }

    @Test func findsTheTemplateOfAConcretePath() {
        #expect(validator.template(for: "/pets/rex") == "/pets/{name}")
        #expect(validator.template(for: "/pets/rex?limit=1") == "/pets/{name}")
        #expect(validator.template(for: "/pets/mine") == "/pets/mine")
        #expect(validator.template(for: "/pets") == "/pets")
        #expect(validator.template(for: "/pets/") == nil)
        #expect(validator.template(for: "/pets/rex/toys") == nil)
        #expect(validator.template(for: "/") == nil)
    }

    @Test func listsEveryOperation() {
        let operations = validator.operations.map { "\($0.method) \($0.path)" }
        #expect(
            operations == [
                "GET /metrics", "GET /pets", "POST /pets", "GET /pets/mine", "GET /pets/{name}", "DELETE /pets/{name}",
                "GET /shapes/{id}",
            ])
    }

    @Test func refusesADocumentItCannotCheckFully() {
        let unsupported = Self.fixture.replacingOccurrences(of: #""minItems": 1"#, with: #""uniqueItems": true"#)
        let failure = #expect(throws: OpenAPIValidator.Failure.self) {
            try OpenAPIValidator(document: Data(unsupported.utf8))
        }
        #expect(failure?.schemaPointer == "#/components/schemas/Pet/properties/tags/uniqueItems")
        let dangling = Self.fixture.replacingOccurrences(of: "schemas/Shape\"", with: "schemas/Circle\"")
        let danglingFailure = #expect(throws: OpenAPIValidator.Failure.self) {
            try OpenAPIValidator(document: Data(dangling.utf8))
        }
        #expect(danglingFailure?.reason.contains("#/components/schemas/Circle") == true)
    }

    @Test func parsesJSONStrictly() throws {
        typealias JSON = OpenAPIValidator.JSON
        let parsed = try JSON.parse(Data(#"{"t": true, "one": 1, "s": "\u00e9\ud83d\ude00\n\"", "n": null}"#.utf8))
        #expect(parsed == .object(["t": .bool(true), "one": .number(1), "s": .string("é😀\n\""), "n": .null]))
        #expect(try JSON.parse(Data(" [ -0.5e1 , 10 ] ".utf8)) == .array([.number(-5), .number(10)]))
        for bad in [
            "", "[1,]", "{\"a\" 1}", "01", "1.", "tru", "[1] 2", "\"\u{01}\"", #""\ud83d""#, "{\"a\":1,}", "'a'",
        ] {
            #expect(throws: OpenAPIValidator.JSON.ParseError.self, "\(bad)") { try JSON.parse(Data(bad.utf8)) }
        }
    }
}
