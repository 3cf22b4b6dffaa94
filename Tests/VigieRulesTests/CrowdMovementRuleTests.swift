import Foundation
import Testing
import VigieCore
import VigieEvents
import VigieRules
import VigieTracking

/// The crowd-movement rule on hand-made tracks (no pixels): swaying is not running.
@Suite("Crowd-movement rule: running, not swaying")
struct CrowdMovementRuleTests {
    static let scene = """
        {"cameraID": "c", "zones": [{"id": "z", "polygon": [{"x":0,"y":0},{"x":1,"y":0},{"x":1,"y":1},{"x":0,"y":1}]}],
         "rules": [{"id": "crowd", "kind": "crowdMovement", "zone": "z", "minDuration": 0.3}]}
        """

    /// Three 40 px tall tracks for 12 s at 10 frames a second, 60 px apart, each at `x(i, t)`
    /// (foot points, pixels); the rule's events. The rule sees them from 2 s on (their
    /// trajectories hold the 2 s before: tracks older than its windows).
    static func run(_ x: (Int, Double) -> Double) throws -> [Event] {
        var engine = RuleEngine(scene: try Scene(json: Data(Self.scene.utf8)))
        var trajectories = (0..<3).map { _ in Trajectory(capacity: 64) }
        var events: [Event] = []
        for step in 0...120 {
            let t = Double(step) / 10
            guard t >= 2 else {
                for i in 0..<3 {
                    trajectories[i].append(TrajectoryPoint(footPoint: PixelPoint(x: x(i, t), y: Double(200 + 60 * i)),
                                                           timestamp: Timestamp(seconds: t)))
                }
                continue
            }
            var tracks: [Track] = []
            for i in 0..<3 {
                let foot = PixelPoint(x: x(i, t), y: Double(200 + 60 * i))
                trajectories[i].append(TrajectoryPoint(footPoint: foot, timestamp: Timestamp(seconds: t)))
                let vx = (x(i, t) - x(i, t - 0.1)) / 0.1
                tracks.append(Track(id: i + 1, state: .confirmed, box: PixelRect(x: Int(foot.x) - 8, y: Int(foot.y) - 40, width: 16, height: 40),
                                    footPoint: foot, velocity: PixelVelocity(dx: vx, dy: 0), age: t, lastSeen: Timestamp(seconds: t),
                                    trajectory: trajectories[i]))
            }
            events += try engine.process(RuleInput(timestamp: Timestamp(seconds: t), frameWidth: 640, frameHeight: 480,
                                                   tracks: tracks, tracked: true))
        }
        return events
    }

    /// Branches swinging 90 px one way in 0.9 s (2.5 heights a second, straight for longer than
    /// the 0.6 s speed window) and back: not runners, over the longer straightness window.
    @Test func threeSwayingBranchesAreNotACrowdMovement() throws {
        let events = try Self.run { i, t in
            let phase = (t + 0.05 * Double(i)).truncatingRemainder(dividingBy: 1.8)
            return 200 + 60 * Double(i) + (phase < 0.9 ? 100 * phase : 100 * (1.8 - phase))
        }
        #expect(!events.contains { $0.kind == .crowdMovement }, "\(events.map { "\($0.kind) \($0.phase) \($0.time.seconds)" })")
    }

    /// The same three running off at that speed from 8 s on (walking before): a crowd movement.
    @Test func threeRunningOffAreACrowdMovement() throws {
        let events = try Self.run { i, t in
            100 + 60 * Double(i) + 8 * min(t, 8) + 100 * max(0, t - 8)
        }
        #expect(events.contains { $0.kind == .crowdMovement && $0.phase == .started && $0.startTime.seconds >= 8 })
    }
}
