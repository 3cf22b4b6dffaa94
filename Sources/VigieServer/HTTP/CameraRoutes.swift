import Foundation
import Hummingbird

/// `/api/cameras…`: each camera's state and its anonymised preview.
struct CameraRoutes {
    let node: VigieNode

    func add(to group: RouterGroup<APIRequestContext>) {
        group.get("cameras", use: list)
        group.get("cameras/{id}/preview.jpg", use: preview)
    }

    /// `GET /api/cameras`
    @Sendable func list(_ request: Request, context: APIRequestContext) async throws -> Response {
        let counts = try node.store.counts(since: Calendar(identifier: .gregorian).startOfDay(for: Date()))
        return JSON.response(["cameras": node.cameras.map {
            let status = $0.currentStatus
            return APIRepresentation.camera(status, counts: counts[status.id])
        }])
    }

    /// `GET /api/cameras/{id}/preview.jpg`: the latest frame through the anonymiser, zones, lines and
    /// tracks drawn; 503 until the camera's background model is warm.
    @Sendable func preview(_ request: Request, context: APIRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard let camera = node.camera(id.removingPercentEncoding ?? id) else { throw APIError(.notFound, "no camera has id \(id)") }
        guard let jpeg = camera.previewJPEG else {
            throw APIError(.serviceUnavailable, "camera \(camera.camera.id) is not warm yet: no preview")
        }
        return JSON.jpeg(jpeg)
    }
}
