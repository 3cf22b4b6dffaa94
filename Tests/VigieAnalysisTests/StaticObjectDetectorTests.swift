import Testing
import VigieAnalysis
import VigieCore
import VigieSimulator

/// The static-object analyser alone on simulated scenes (160x120, 10 frames per second): the
/// structure verdicts that the abandoned-object rules rely on.
@Suite("Static-object detector")
struct StaticObjectDetectorTests {
    /// Runs the detector over a scene; returns the cues of the last frame and the detector.
    static func run(_ scene: SimulatedScene) throws -> (StaticObjectCues, StaticObjectDetector) {
        var simulator = SceneSimulator(scene)
        var detector = StaticObjectDetector()
        var cues = StaticObjectCues()
        while let frame = try simulator.next() { cues = try detector.process(frame) }
        return (cues, detector)
    }

    static func scene(_ actors: [Actor], duration: Double = 14) -> SimulatedScene {
        SimulatedScene(width: 160, height: 120, framesPerSecond: 10, duration: duration, seed: 9, actors: actors)
    }

    @Test func aBagPutDownIsAnAppearedObject() throws {
        let bag = Actor(id: 1, kind: .object, path: [Waypoint(4, 0.4, 0.8), Waypoint(20, 0.4, 0.8)], luma: 50)
        let (cues, detector) = try Self.run(Self.scene([bag]))
        let truth = SceneSimulator(Self.scene([bag])).render(at: 10, number: 100).1.objects[0].box
        let object = try #require(cues.objects.first, "no static object")
        #expect(cues.objects.count == 1, "\(cues.objects)")
        #expect(object.origin == .appeared)
        #expect(intersectionOverUnion(object.box, truth) >= 0.5, "\(object.box) vs \(truth)")
        // Put down at 4 s, absorbed by the short-term model within about 2 s, last frame at 13.9 s.
        #expect(object.staticSeconds >= 7 && object.staticSeconds <= 10, "\(object.staticSeconds)")
        #expect(object.internalMotion < 0.2)
        // One analysis every 0.4 s over 14 s.
        #expect(detector.analyses >= 34 && detector.analyses <= 36, "\(detector.analyses)")
    }

    @Test func aLightPoolIsIllumination() throws {
        var scene = Self.scene([])
        scene.lights = [SimulatedLight(region: NormalisedRect(x: 0.3, y: 0.5, width: 0.3, height: 0.25), luma: 235,
                                       cb: 122, cr: 136, opacity: 0.3, from: 4)]
        let (cues, _) = try Self.run(scene)
        #expect(!cues.objects.isEmpty, "the pool should be static foreground")
        for object in cues.objects {
            #expect(object.origin == .illumination, "\(object)")
            #expect(object.backgroundSimilarity >= 0.5, "\(object)")
        }
    }

    @Test func aBenchTakenAwayIsRemoved() throws {
        let bench = Actor(id: 1, kind: .object, path: [Waypoint(0, 0.5, 0.8), Waypoint(5, 0.5, 0.8)], height: 0.12,
                          aspect: 2.2, luma: 60)
        let (cues, _) = try Self.run(Self.scene([bench]))
        let object = try #require(cues.objects.max { $0.box.area < $1.box.area }, "no static region")
        #expect(object.origin == .removed, "\(cues.objects)")
        #expect(abs(Double(object.box.x + object.box.width / 2) - 80) <= 6, "\(object.box)")
    }

    @Test func anEmptySceneHasNoStaticObjects() throws {
        let (cues, _) = try Self.run(Self.scene([], duration: 8))
        #expect(cues.objects.isEmpty, "\(cues.objects)")
    }

    @Test func framesMustKeepTheirSizeAndAdvance() throws {
        var detector = StaticObjectDetector()
        _ = try detector.process(Frame(width: 32, height: 24, format: .ycbcr420, timestamp: Timestamp(seconds: 0)))
        #expect(throws: FrameError.self) {
            _ = try detector.process(Frame(width: 32, height: 24, format: .ycbcr420, timestamp: Timestamp(seconds: 0)))
        }
        #expect(throws: FrameError.self) {
            _ = try detector.process(Frame(width: 64, height: 24, format: .ycbcr420, timestamp: Timestamp(seconds: 1)))
        }
    }

    /// `recentMotion` spans the last 2 s whatever the analysis interval; a detector analysing
    /// every frame (interval 0, the longest window of 32 analyses) runs and reports it in 0…1.
    @Test func recentMotionSpansTwoSecondsAtAnyInterval() throws {
        #expect(StaticObject.recentAnalyses(interval: 0.4) == 5)
        #expect(StaticObject.recentAnalyses(interval: 0.1) == 20)
        #expect(StaticObject.recentAnalyses(interval: 3) == 1)
        #expect(StaticObject.recentAnalyses(interval: 0) == 32)
        let bag = Actor(id: 1, kind: .object, path: [Waypoint(2, 0.4, 0.8), Waypoint(12, 0.4, 0.8)], luma: 50)
        var simulator = SceneSimulator(Self.scene([bag], duration: 9))
        var configuration = StaticObjectDetector.Configuration()
        configuration.interval = 0
        var detector = StaticObjectDetector(configuration)
        var cues = StaticObjectCues()
        while let frame = try simulator.next() { cues = try detector.process(frame) }
        let object = try #require(cues.objects.first, "no static object")
        #expect(object.recentMotion >= 0 && object.recentMotion <= 1 && object.recentMotion < 0.5, "\(object)")
        #expect(detector.analyses == 90, "\(detector.analyses)")
    }
}
