import Foundation
import Hummingbird
import NIOCore

/// `GET /`: the live dashboard, one page served by Dormouse itself (no build step, nothing from a CDN); and
/// `POST /events/token`, the short-lived token its EventSource connects with when the API needs a token.
struct DashboardController: Sendable {
    let page: ByteBuffer
    let streamTokens: StreamTokens

    /// Reads the page shipped with the binary (`dormouse_api.resources/dashboard.html`).
    static func load(streamTokens: StreamTokens) throws -> DashboardController {
        guard let url = Bundle.module.url(forResource: "dashboard", withExtension: "html") else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "dashboard.html"])
        }
        return DashboardController(page: ByteBuffer(bytes: try Data(contentsOf: url)), streamTokens: streamTokens)
    }

    /// A stream token and how long it stays good.
    struct StreamToken: Encodable {
        var token: String
        var expiresInSeconds: Int

        enum CodingKeys: String, CodingKey {
            case token
            case expiresInSeconds = "expires_in_s"
        }
    }

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-cache"],
                body: .init(byteBuffer: page))
        }
        router.post("/events/token") { _, _ in
            try RequestJSON.response(
                StreamToken(
                    token: streamTokens.issue(), expiresInSeconds: Int(StreamTokens.lifetime.components.seconds)),
                status: .created)
        }
    }
}
