import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// `/healthz`, `/readyz`, `/metrics` and the operator console's files.
struct SystemRoutes {
    let node: VigieNode

    func add(to router: Router<APIRequestContext>) {
        router.get("healthz") { _, _ in JSON.response(["status": "ok"]) }
        router.get("readyz") { [node] _, _ in
            node.isReady ? JSON.response(["status": "ready"])
                : JSON.response(["status": "starting"], status: .serviceUnavailable)
        }
        router.get("metrics") { [node] _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: node.renderMetrics())))
        }
        router.get("/") { _, _ in try Self.console("index.html") }
        router.get("console/{file}") { _, context in try Self.console(try context.parameters.require("file")) }
    }

    /// A file of the console (package resources), by plain name only.
    static func console(_ name: String) throws -> Response {
        let types = ["html": "text/html; charset=utf-8", "css": "text/css; charset=utf-8",
                     "js": "text/javascript; charset=utf-8", "svg": "image/svg+xml", "png": "image/png"]
        let ext = (name as NSString).pathExtension
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_" }), !name.hasPrefix("."),
              let type = types[ext],
              let url = Bundle.module.url(forResource: (name as NSString).deletingPathExtension, withExtension: ext, subdirectory: "Console"),
              let data = try? Data(contentsOf: url) else {
            throw APIError(.notFound, "no console file \(name)")
        }
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.cacheControl] = "no-cache"
        headers[HTTPField.Name("Content-Security-Policy")!] =
            "default-src 'self'; img-src 'self' blob: data:; connect-src 'self'; style-src 'self'; script-src 'self'"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// The router of the service: the API behind bearer tokens, one JSON error shape everywhere.
public enum APIRouter {
    /// Builds the router for `node`.
    public static func build(node: VigieNode) -> Router<APIRequestContext> {
        let router = Router(context: APIRequestContext.self)
        router.add(middleware: JSONErrorMiddleware())
        SystemRoutes(node: node).add(to: router)
        let tokens = Dictionary(node.configuration.tokens.map { ($0.token, $0) }, uniquingKeysWith: { first, _ in first })
        let api = router.group("api").add(middleware: BearerAuthMiddleware(tokens: tokens))
        CameraRoutes(node: node).add(to: api)
        EventRoutes(node: node, maxBodyBytes: node.configuration.http.maxBodyBytes).add(to: api)
        api.on("**", method: .get) { _, _ -> Response in throw APIError(.notFound, "no such API route") }
        api.on("**", method: .post) { _, _ -> Response in throw APIError(.notFound, "no such API route") }
        return router
    }
}
