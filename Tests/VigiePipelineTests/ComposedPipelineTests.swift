import Foundation
import Testing
import VigieBackground
import VigieBlobs
import VigieCore
import VigieEvents
import VigieIO
import VigiePipeline
import VigieRules
import VigieSimulator

/// The typed composition (`Pipeline { … }`, `then`) and the `AsyncSequence` adapter give exactly
/// the events of `ScenePipeline`, the standard chain behind one type.
@Suite("Composed pipelines and event streams")
struct ComposedPipelineTests {
    static let scene = try! Scene(json: Data(#"""
        {"cameraID": "sim", "zones": [{"id": "z", "polygon": [{"x":0.55,"y":0.3},{"x":0.98,"y":0.3},{"x":0.98,"y":0.98},{"x":0.55,"y":0.98}]}],
         "rules": [{"id": "in", "kind": "intrusion", "zone": "z", "minDuration": 1}, {"id": "stay", "kind": "loitering", "zone": "z", "maxDwell": 3}]}
        """#.utf8))
    static let start = Date(timeIntervalSince1970: 0)
    /// One session for every pipeline here: their event ids are compared.
    static let session = try! EventSession(id: "composed")
    static let simulated = SimulatedScene(width: 160, height: 120, framesPerSecond: 8, duration: 14, seed: 11, actors: [
        Actor(id: 1, kind: .person, path: [Waypoint(3, 0.1, 0.8), Waypoint(7, 0.7, 0.8), Waypoint(11, 0.75, 0.8), Waypoint(13.5, 0.1, 0.8)])
    ])

    static func reference() throws -> [Event] {
        var pipeline = ScenePipeline(scene: scene, streamStart: start, session: session)
        var simulator = SceneSimulator(simulated)
        var events: [Event] = []
        while let frame = try simulator.next() { events += try pipeline.process(frame) }
        return events + (try pipeline.finish())
    }

    @Test func theResultBuilderChainMatchesScenePipeline() throws {
        let expected = try Self.reference()
        #expect(expected.contains { $0.kind == .intrusion } && expected.contains { $0.kind == .loitering })
        var chain = Pipeline {
            MotionStage(model: AdaptiveBackground())
            BlobStage()
            TrackingStage()
            RulesStage(scene: Self.scene, streamStart: Self.start, session: Self.session)
        }
        var simulator = SceneSimulator(Self.simulated)
        var events: [Event] = []
        var last = Timestamp.zero
        while let frame = try simulator.next() {
            events += try chain.process(frame)
            last = frame.timestamp
        }
        events += try chain.body.second.finish(at: last)
        #expect(events == expected)
    }

    @Test func thenChainingComposesTheSameTypes() throws {
        // Frame → Mask → [Blob]: the motion and blob stages of the library, chained by hand.
        var chain = MotionPipeline(model: AdaptiveBackground()).then(BlobExtraction(minimumArea: 15))
        var simulator = SceneSimulator(Self.simulated)
        var most = 0
        while let frame = try simulator.next() { most = max(most, try chain.process(frame).count) }
        #expect(most >= 1, "the walker is found as a blob")
    }

    @Test func theAsyncEventStreamMatchesScenePipeline() async throws {
        let expected = try Self.reference()
        let simulator = SceneSimulator(Self.simulated)
        var events: [Event] = []
        for try await event in simulator.frames().events(through: ScenePipeline(scene: Self.scene, streamStart: Self.start, session: Self.session)) {
            events.append(event)
        }
        #expect(events == expected)
    }
}
