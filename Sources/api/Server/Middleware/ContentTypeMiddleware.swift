import Foundation
import Hummingbird

/// A route that reads a body takes only the media types the OpenAPI document lists for it
/// (`application/json`; PATCH also `application/merge-patch+json`; parameters such as `charset` allowed):
/// anything else is answered 415 before the body is read, so a browser's "simple" cross-site request
/// (`text/plain`, no preflight) never reaches a handler.
struct ContentTypeMiddleware<Context: RequestContext>: RouterMiddleware {
    let routes: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        // Most requests are GETs: only a method that some operation reads a body with needs the route lookup.
        guard routes.bodyMethods.contains(request.method.rawValue),
            let accepted = routes.route(for: request.uri.path)?.operations[request.method.rawValue],
            !accepted.isEmpty
        else { return try await next(request, context) }
        let mediaType = Self.mediaType(of: request.headers[.contentType])
        guard let mediaType, accepted.contains(mediaType) else {
            throw Problem(
                .unsupportedMediaType, "unsupported-media-type",
                "this route reads a JSON body: send Content-Type: \(accepted.sorted().joined(separator: " or ")) (got \(mediaType ?? "none"))"
            )
        }
        return try await next(request, context)
    }

    /// The media type of a `Content-Type` value, lower-cased, without its parameters.
    static func mediaType(of value: String?) -> String? {
        guard let value else { return nil }
        let type = value.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)[0]
        let trimmed = type.trimmingCharacters(in: .whitespaces).lowercased()
        return trimmed.isEmpty ? nil : trimmed
    }
}
