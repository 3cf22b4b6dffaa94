import Testing
import VigieBackground
import VigieCore
import VigiePipeline
import VigieSimulator

/// A person in view while the background model learns, who then walks away: the place where
/// they stood is a ghost, which `TrackingPipeline` dissolves (`dissolvesGhosts`).
@Suite("Ghosts of people in view at start-up")
struct GhostScenarioTests {
    static let scene = SimulatedScene(width: 160, height: 120, framesPerSecond: 10, duration: 8, seed: 3, actors: [
        Actor(id: 1, kind: .person, path: [Waypoint(0, 0.25, 0.8), Waypoint(3, 0.25, 0.8), Waypoint(6, 0.85, 0.8),
                                           Waypoint(8, 0.85, 0.8)])
    ])

    /// The tracks over the last two seconds (the person stands at the right from 6 s) that cover
    /// the place where the person stood at start-up, and the ghosts dissolved.
    static func tracksAtTheStart(dissolving: Bool) throws -> (covering: Int, dissolved: Int) {
        var pipeline = TrackingPipeline(model: AdaptiveBackground(), minimumBlobArea: .pixels(15))
        pipeline.dissolvesGhosts = dissolving
        var simulator = SceneSimulator(scene)
        var covering = 0
        while let frame = try simulator.next() {
            let (_, tracks) = try pipeline.process(frame)
            guard frame.timestamp.seconds >= 6 else { continue }
            covering += (tracks ?? []).filter { t in
                t.state == .confirmed && t.box.x <= 40 && t.box.x + t.box.width >= 40 && t.box.y + t.box.height >= 90
            }.count
        }
        return (covering, pipeline.dissolvedGhosts)
    }

    @Test func theGhostIsDissolvedAndNotTracked() throws {
        let kept = try Self.tracksAtTheStart(dissolving: false)
        #expect(kept.covering > 10, "without dissolution a track stays on the ghost (or spans it): \(kept)")
        #expect(kept.dissolved == 0)
        let dissolved = try Self.tracksAtTheStart(dissolving: true)
        #expect(dissolved.dissolved >= 1)
        #expect(dissolved.covering == 0, "\(dissolved)")
    }
}
