import Foundation
import Hummingbird
import Testing
import VigieServer

@Suite("OpenAPI document")
struct OpenAPITests {
    static let document = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Documentation/openapi.json")

    /// Every route the router serves is documented, and every documented route is served.
    @Test func documentedRoutesAreExactlyTheServedOnes() throws {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.document)) as? [String: Any]
        let paths = json?["paths"] as? [String: [String: Any]] ?? [:]
        var documented = Set<String>()
        for (path, operations) in paths {
            for method in operations.keys { documented.insert("\(method.uppercased()) \(path)") }
        }
        let folder = TemporaryFolder()
        let site = LiveAPI.site(folder: folder)
        let node = VigieNode(configuration: site, store: try EventStore(path: folder.file("e.sqlite"), logger: quiet), cameras: [],
                             journal: nil, metrics: ServerMetrics(), sinkNames: [], logger: quiet)
        let router = APIRouter.build(node: node)
        var served = Set<String>()
        for route in router.routes {
            let path = "\(route.path)".hasPrefix("/") ? "\(route.path)" : "/\(route.path)"
            if path.hasSuffix("/**") { continue }  // the JSON 404 for unknown API routes
            served.insert("\(route.method.rawValue) \(path == "" ? "/" : path)")
        }
        #expect(served == documented, "served but undocumented: \(served.subtracting(documented).sorted()); documented but not served: \(documented.subtracting(served).sorted())")
        #expect(served.count >= 10)
    }
}
