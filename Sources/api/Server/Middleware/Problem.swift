import Foundation
import Hummingbird
import Lifecycle
import NIOCore
import Registry

/// An RFC 9457 problem document (`application/problem+json`): every error the API answers is one.
struct Problem: HTTPResponseError, Encodable {
    let status: HTTPResponse.Status
    let kind: String
    let detail: String
    var errors: [RegistryError.FieldError] = []
    var retryAfterSeconds: Int?

    /// The kind of an unexpected error: a 500 whose cause only the server's log holds.
    static let internalKind = "internal"

    init(_ status: HTTPResponse.Status, _ kind: String, _ detail: String) {
        self.status = status
        self.kind = kind
        self.detail = detail
    }

    enum CodingKeys: String, CodingKey {
        case type, title, status, detail, errors
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode("urn:dormouse:problem:\(kind)", forKey: .type)
        try container.encode(status.reasonPhrase, forKey: .title)
        try container.encode(status.code, forKey: .status)
        try container.encode(detail, forKey: .detail)
        if !errors.isEmpty { try container.encode(errors, forKey: .errors) }
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers: HTTPFields = [.contentType: "application/problem+json", .cacheControl: "no-store"]
        if let retryAfterSeconds { headers[.retryAfter] = "\(retryAfterSeconds)" }
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer realm=\"dormouse\"" }
        let body = try JSONEncoder().encode(self)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

extension Problem {
    /// The problem for any error a route throws; the one place errors become HTTP statuses.
    init(_ error: any Error) {
        switch error {
        case let problem as Problem:
            self = problem
        case let error as RegistryError:
            self.init(registry: error)
        case let error as ContainerRuntimeError:
            self.init(runtime: error)
        case let error as DecodingError:
            self.init(decoding: error)
        case let error as JSONParseError:
            self.init(parsing: error)
        case is NIOTooManyBytesError:
            self.init(
                .contentTooLarge, "body-too-large", "the request body is over the \(RequestJSON.maximumBody)-byte limit"
            )
        case let error as HTTPError where error.status == .notFound:
            self.init(.notFound, "not-found", "no such route")
        case let error as HTTPError:
            self.init(error.status, "http", error.body ?? error.status.reasonPhrase)
        default:
            // `ProblemMiddleware` answers this one with a generic detail and logs the cause under a request id.
            self.init(.internalServerError, Problem.internalKind, "internal error: \(LoggedError(error))")
        }
    }

    private init(registry error: RegistryError) {
        switch error.code {
        case .invalid:
            self.init(.unprocessableContent, "invalid", error.message)
            errors = error.fieldErrors
        case .notFound: self.init(.notFound, "not-found", error.message)
        case .nameTaken: self.init(.conflict, "name-taken", error.message)
        case .conflict: self.init(.conflict, "conflict", error.message)
        case .queueFull:
            self.init(.tooManyRequests, "queue-full", error.message)
            retryAfterSeconds = 1
        case .engineUnavailable:
            self.init(.serviceUnavailable, "engine-unavailable", error.message)
            retryAfterSeconds = 5
        case .shuttingDown:
            self.init(.serviceUnavailable, "shutting-down", error.message)
            retryAfterSeconds = 5
        case .hostAgentsDisabled:
            self.init(.unprocessableContent, "host-agents-disabled", error.message)
            errors = error.fieldErrors
        }
    }

    private init(runtime error: ContainerRuntimeError) {
        if error.isEngineUnavailable {
            self.init(
                .serviceUnavailable, "engine-unavailable", "the container engine is unreachable: \(error.message)")
            retryAfterSeconds = 5
        } else if error.isNotFound || error.isConflict || error.isNotManaged {
            self.init(.conflict, "container-conflict", error.message)
        } else if error.isNotReady {
            self.init(.gatewayTimeout, "container-not-ready", error.message)
        } else {
            self.init(.badGateway, "engine-error", error.message)
        }
    }

    /// A body the strict parser refused: too deep is well-formed but over a limit (422); the rest is
    /// malformed (400), with what is wrong and the byte offset. The body itself is never quoted.
    private init(parsing error: JSONParseError) {
        if error.isTooDeep {
            self.init(.unprocessableContent, "too-deep", "the JSON is \(error)")
            errors = [.init(field: "body", message: error.description)]
        } else if error.isNumberOutOfRange {
            self.init(.badRequest, "number-out-of-range", "the body is not valid JSON: \(error)")
        } else {
            self.init(.badRequest, "malformed-json", "the body is not valid JSON: \(error)")
        }
    }

    private init(decoding error: DecodingError) {
        func path(_ context: DecodingError.Context) -> String {
            guard !context.codingPath.isEmpty else { return "body" }
            return context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .dataCorrupted(let context) where context.debugDescription.hasPrefix("unknown field"):
            self.init(.badRequest, "unknown-field", "\(context.debugDescription) at \(path(context))")
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            self.init(.badRequest, "malformed-json", "the body is not valid JSON")
        case .dataCorrupted(let context):
            self.init(.unprocessableContent, "invalid", "\(path(context)): \(context.debugDescription)")
            errors = [.init(field: path(context), message: context.debugDescription)]
        case .keyNotFound(let key, let context):
            let field = (context.codingPath + [key]).map(\.stringValue).joined(separator: ".")
            self.init(.unprocessableContent, "invalid", "\(field): is required")
            errors = [.init(field: field, message: "is required")]
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            self.init(.unprocessableContent, "invalid", "\(path(context)): expected \(Self.jsonName(of: type))")
            errors = [.init(field: path(context), message: "expected \(Self.jsonName(of: type))")]
        @unknown default:
            self.init(.badRequest, "malformed-json", "the body could not be read")
        }
    }

    private static func jsonName(of type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type: "an integer"
        case is Double.Type: "a number"
        case is Bool.Type: "a boolean"
        case is [String].Type, is [Any].Type: "an array"
        case is [String: JSONValue].Type: "an object"
        default: "a different type (\(type))"
        }
    }
}
