import Foundation
import VigieCore
import VigieEvents
import VigieTracking

/// Runs a scene's rules on each frame's tracks: the stage between the tracker and the events.
///
/// ```
/// tracks ─▶ RuleEngine ─▶ [Event]  (started / updated / ended)
///            ├ intrusion      (zone, per zone)
///            ├ loitering      (zone, per track, cumulative dwell)
///            ├ lineCrossed    (line, per track, instant)
///            ├ wrongWay       (zone with allowedDirection, per track)
///            ├ densityExceeded (zone: count, people per m², occupancy)
///            ├ fire           (optional zone; frame-level, from the fire analyser's cues)
///            └ integrator rules (`Rule` protocol)
/// ```
///
/// Rules read time from frame timestamps only; schedules map a timestamp to wall-clock time
/// through `streamStart` (the wall-clock time of timestamp zero).
public struct RuleEngine: Stage {
    /// The scene the rules come from.
    public let scene: Scene
    /// Ids of enabled rules whose kind this engine does not evaluate yet, with the reason.
    public private(set) var unsupported: [(id: String, reason: String)] = []
    private var rules: [any Rule] = []
    private var last: Timestamp?

    /// The rules of `scene` (enabled ones), plus `extraRules` from the integrator.
    /// - Parameter streamStart: wall-clock time of timestamp zero, for weekly schedules.
    public init(scene: Scene, streamStart: Date = Date(), extraRules: [any Rule] = []) {
        self.scene = scene
        for configuration in scene.rules where configuration.enabled {
            let common = RuleCommon(configuration: configuration, cameraID: scene.cameraID,
                                    schedule: configuration.schedule, streamStart: streamStart)
            let zone = configuration.zone.flatMap(scene.zone(id:))
            let line = configuration.line.flatMap(scene.line(id:))
            switch (configuration.kind, zone, line) {
            case (.intrusion, let zone?, _): rules.append(IntrusionRule(common, zone: zone))
            case (.loitering, let zone?, _): rules.append(LoiteringRule(common, zone: zone))
            case (.lineCrossed, _, let line?): rules.append(LineCrossingRule(common, line: line))
            case (.wrongWay, let zone?, _): rules.append(WrongWayRule(common, zone: zone, calibration: scene.calibration))
            case (.densityExceeded, let zone?, _):
                rules.append(DensityRule(common, zone: zone, calibration: scene.calibration))
            case (.fire, _, _): rules.append(FireRule(common, zone: zone))
            default:
                unsupported.append((configuration.id, "\(configuration.kind.rawValue) rules are not evaluated by this version"))
            }
        }
        rules += extraRules
    }

    /// Evaluates every rule on one frame's tracks.
    /// - Throws: `RuleError.nonMonotonicTimestamp` when time does not advance.
    public mutating func process(_ input: RuleInput) throws -> [Event] {
        if let last, input.timestamp <= last { throw RuleError.nonMonotonicTimestamp(previous: last, current: input.timestamp) }
        last = input.timestamp
        var events: [Event] = []
        for i in rules.indices where input.tracked || !rules[i].needsTracks { events += try rules[i].evaluate(input) }
        return events
    }

    /// Ends every open event at `time` (end of stream, shutdown): nothing stays open.
    public mutating func finish(at time: Timestamp) throws -> [Event] {
        var events: [Event] = []
        for i in rules.indices { events += try rules[i].finish(at: time) }
        return events
    }
}
