import Testing
import VigieAnalysis
import VigieCore
import VigieSimulator

/// The tamper detector alone on simulated scenes (160x120, 10 frames per second): each camera
/// effect raises its condition while it lasts and nothing else; normal scenes raise nothing.
@Suite("Tamper detector")
struct TamperDetectorTests {
    static func scene(duration: Double, effects: [CameraEffect] = [], actors: [Actor] = [],
                      lightSwitches: [LightSwitch] = [], noise: Double = 2) -> SimulatedScene {
        var s = SimulatedScene(width: 160, height: 120, framesPerSecond: 10, duration: duration, seed: 5, actors: actors)
        s.cameraEffects = effects
        s.lightSwitches = lightSwitches
        s.noise = noise
        return s
    }

    /// (time, cues) for every frame.
    static func run(_ scene: SimulatedScene) throws -> [(t: Double, cues: TamperCues)] {
        var simulator = SceneSimulator(scene)
        var detector = TamperDetector()
        var out: [(Double, TamperCues)] = []
        while let frame = try simulator.next() {
            out.append((frame.timestamp.seconds, try detector.process(frame, foreground: nil, globalChange: false)))
        }
        return out
    }

    static func describe(_ run: [(t: Double, cues: TamperCues)]) -> String {
        run.filter { !$0.cues.conditions.isEmpty }.prefix(20).map { r in
            "\(r.t): \(r.cues.conditions.map(\.rawValue).sorted())"
        }.joined(separator: ", ")
    }

    static let positives: [(TamperCondition, CameraEffect)] = [
        (.covered, CameraEffect(.cover(luma: 35), from: 4, until: 9)),
        (.covered, CameraEffect(.cover(luma: 190), from: 4, until: 9)),
        (.tooBright, CameraEffect(.blind(luma: 252), from: 4, until: 9)),
        (.defocused, CameraEffect(.defocus(radius: 3), from: 4, until: 9)),
        (.frozen, CameraEffect(.freeze, from: 4, until: 9)),
        (.moved, CameraEffect(.shift(dx: 0.08, dy: 0.03), from: 4, until: 9)),
        (.moved, CameraEffect(.shift(dx: -0.05, dy: 0), from: 4, until: 9)),
    ]

    @Test("each camera effect raises its condition while it lasts, and only then",
          arguments: positives.indices)
    func effectRaisesItsCondition(index: Int) throws {
        let (expected, effect) = Self.positives[index]
        let run = try Self.run(Self.scene(duration: 12, effects: [effect]))
        // Detected within 1.5 s (shift checks every 0.5 s, frozen after 1 s of identical frames).
        let during = run.filter { $0.t >= effect.from + 1.5 && $0.t < effect.until }
        #expect(!during.isEmpty)
        #expect(during.allSatisfy { $0.cues.primary == expected }, "\(expected): \(Self.describe(run))")
        // Nothing before, nothing once the view is restored (a shift check may take 0.5 s).
        let outside = run.filter { $0.t < effect.from || $0.t >= effect.until + 0.6 }
        #expect(outside.allSatisfy { $0.cues.conditions.isEmpty }, "\(expected): \(Self.describe(run))")
    }

    @Test func blackCoverIsCoveredBeforeTooDark() throws {
        let run = try Self.run(Self.scene(duration: 8, effects: [CameraEffect(.cover(luma: 8), from: 4, until: 8)]))
        let during = run.filter { $0.t >= 4.5 }
        #expect(during.allSatisfy { $0.cues.conditions.isSuperset(of: [.covered, .tooDark]) && $0.cues.primary == .covered },
                "\(Self.describe(run))")
    }

    @Test func shiftIsMeasuredInFramePixels() throws {
        let run = try Self.run(Self.scene(duration: 7, effects: [CameraEffect(.shift(dx: 0.08, dy: 0.05), from: 4)]))
        let last = try #require(run.last?.cues)
        #expect(last.primary == .moved)
        #expect(abs(last.shiftX - 0.08 * 160) <= 1.5 && abs(last.shiftY - 0.05 * 120) <= 1.5, "\(last.shiftX), \(last.shiftY)")
        #expect(abs(last.shiftFraction - 0.08) < 0.01)
    }

    @Test func frozenSecondsCountIdenticalFrames() throws {
        let run = try Self.run(Self.scene(duration: 8, effects: [CameraEffect(.freeze, from: 4)]))
        let last = try #require(run.last)
        // Frames from 4.0 s repeat the one at 4.0 s: identical since then.
        #expect(abs(last.cues.frozenSeconds - (last.t - 4.0)) < 0.15, "\(last.cues.frozenSeconds) at \(last.t)")
    }

    // MARK: negatives

    static func person(_ id: Int, from: Double, y: Double, leftToRight: Bool) -> Actor {
        let (a, b) = leftToRight ? (-0.1, 1.1) : (1.1, -0.1)
        return Actor(id: id, kind: .person, path: [Waypoint(from, a, y), Waypoint(from + 6, b, y)])
    }

    static let negatives: [(String, SimulatedScene)] = [
        ("slow pan", scene(duration: 16, effects: [CameraEffect(.pan(dxPerSecond: 0.02, dyPerSecond: 0.01), from: 3, until: 13)])),
        ("light switched on", scene(duration: 12, lightSwitches: [LightSwitch(time: 4, gain: 1.5)])),
        ("light switched off", scene(duration: 12, lightSwitches: [LightSwitch(time: 4, gain: 0.4)])),
        ("crowd walking", scene(duration: 14, actors: (0..<10).map { i in
            person(i + 1, from: 2.5 + Double(i) * 0.6, y: 0.55 + 0.04 * Double(i % 5), leftToRight: i % 2 == 0)
        })),
        ("large vehicle passing close", scene(duration: 10, actors: [
            Actor(id: 1, kind: .vehicle, path: [Waypoint(4, 0.25, 0.95), Waypoint(6, 0.75, 0.95)], height: 0.75, aspect: 1.15)
        ])),
        ("night-dark scene", scene(duration: 10, lightSwitches: [LightSwitch(time: 0, gain: 0.3)])),
        ("night-dark scene with little noise", scene(duration: 10, lightSwitches: [LightSwitch(time: 0, gain: 0.3)], noise: 1)),
    ]

    @Test("normal scenes raise no condition", arguments: negatives.indices)
    func normalSceneIsQuiet(index: Int) throws {
        let (name, scene) = Self.negatives[index]
        let run = try Self.run(scene)
        #expect(run.allSatisfy { $0.cues.conditions.isEmpty }, "\(name): \(Self.describe(run))")
    }

    @Test func largeVehicleFillsMuchOfTheView() throws {
        // The negative above must really be large: 40 % of the frame or more at its widest.
        var simulator = SceneSimulator(Self.negatives[4].1)
        var largest = 0.0
        while let (_, truth) = simulator.nextWithTruth() { largest = max(largest, truth.mask.coverage) }
        #expect(largest >= 0.4, "\(largest)")
    }

    @Test func slowPanIsFollowed() throws {
        let run = try Self.run(Self.negatives[0].1)
        // The learned view follows the pan: the shift left against it stays small.
        #expect(run.allSatisfy { $0.cues.shiftFraction < 0.04 })
        #expect(run.last?.cues.changedFraction ?? 1 < 0.1)
    }

    @Test func throwsOnSizeChangeAndTimeGoingBack() throws {
        var detector = TamperDetector()
        _ = try detector.process(Frame(width: 32, height: 24, format: .luma, y: 90, timestamp: Timestamp(seconds: 1)),
                                 foreground: nil, globalChange: false)
        #expect(throws: FrameError.self) {
            _ = try detector.process(Frame(width: 30, height: 24, format: .luma, timestamp: Timestamp(seconds: 2)),
                                     foreground: nil, globalChange: false)
        }
        #expect(throws: FrameError.nonMonotonicTimestamp(previous: Timestamp(seconds: 1), current: Timestamp(seconds: 1))) {
            _ = try detector.process(Frame(width: 32, height: 24, format: .luma, timestamp: Timestamp(seconds: 1)),
                                     foreground: nil, globalChange: false)
        }
    }
}
