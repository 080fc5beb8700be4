import Foundation
import Hummingbird
import NIOCore

/// `GET /openapi.json`: the OpenAPI 3.1 document of the whole API, as kept in the repository.
struct OpenAPIController: Sendable {
    let document: ByteBuffer

    /// Reads the document shipped with the binary (`dormouse_api.resources/openapi.json`).
    static func load() throws -> OpenAPIController {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json") else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "openapi.json"])
        }
        return OpenAPIController(document: ByteBuffer(bytes: try Data(contentsOf: url)))
    }

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: document))
        }
    }
}
