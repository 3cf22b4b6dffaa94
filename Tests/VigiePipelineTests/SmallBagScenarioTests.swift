import Foundation
import Testing
import VigieCore
import VigieEvents
import VigiePipeline
import VigieRules
import VigieSimulator

/// Issue 18's small-bag case rebuilt in the simulator: a pavement seen from above, 720x480 at
/// 30 frames per second; a man walks in, sets a small dark bag (about 50x55 pixels) beside a
/// utility box that has stood there from the start, walks away and leaves the view; a passer-by
/// crosses later; people cast shadows. `abandonedObject` with `minDuration` 10 s on a
/// whole-image zone must fire within `minDuration` + 3 s of the bag being set down.
/// Full-size frames: release builds only.
@Suite("Small abandoned bag seen from above (release builds)")
struct SmallBagScenarioTests {
    static var isReleaseBuild: Bool {
        #if DEBUG
        false
        #else
        true
        #endif
    }
    static let minDuration = 10.0
    static let setDown = SimulatedScene.smallBagSetDown
    static let position = SimulatedScene.smallBagPosition

    static let scene = """
        {"cameraID": "pavement",
         "zones": [{"id": "all", "polygon": [{"x":0,"y":0},{"x":1,"y":0},{"x":1,"y":1},{"x":0,"y":1}]}],
         "rules": [{"id": "left", "kind": "abandonedObject", "zone": "all", "minDuration": \(minDuration)}]}
        """

    static func run(duration: Double) throws -> [Event] {
        var simulator = SceneSimulator(SimulatedScene.smallBag(duration: duration))
        var pipeline = ScenePipeline(scene: try Scene(json: Data(scene.utf8)), streamStart: Date(timeIntervalSince1970: 0))
        var events: [Event] = []
        while let frame = try simulator.next() { events += try pipeline.process(frame) }
        events += try pipeline.finish()
        return events
    }

    @Test(.enabled(if: isReleaseBuild, "720x480 at 30 fps for 30 s: runs in the release build"))
    func smallBagLeftBesideABoxIsFound() throws {
        let events = try Self.run(duration: 30)
        let text = events.map { "\($0.kind.rawValue) \($0.phase) t=\($0.time.seconds)" }.joined(separator: "; ")
        let started = events.filter { $0.kind == .abandonedObject && $0.phase == .started }
        #expect(started.count == 1, "\(text)")
        let first = try #require(started.first, "\(text)")
        #expect(first.time.seconds <= Self.setDown + Self.minDuration + 3, "\(text)")
        let object = try #require(first.objects.first)
        #expect(abs(object.footPoint.x - Self.position.x) < 0.05 && abs(object.footPoint.y - Self.position.y) < 0.05,
                "\(object)")
    }
}
