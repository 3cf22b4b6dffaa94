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
///            ├ personDown     (optional zone, per track: a fall, then still)
///            ├ crowdMovement  (zone: running, dispersion against a rolling baseline)
///            ├ projectile     (zone, per track: small, fast, ballistic, entering)
///            ├ abandonedObject (zone, per static object; static-object cues + tracks)
///            ├ objectRemoved  (zone, per removed item, instant)
///            ├ tamper         (whole image, frame-level; suppresses the others)
///            ├ fire           (optional zone; frame-level, from the fire analyser's cues)
///            └ integrator rules (`Rule` protocol)
/// ```
///
/// **Tamper suppression.** Tamper rules run first on every frame. While one sees a condition
/// (covered, moved, …) that is not yet confirmed, the other rules are held: not evaluated,
/// their state kept, as on a frame without tracks. Once a tamper situation starts, the engine
/// is suppressed (``suppressedBy``): every open event of the other rules ends at that frame
/// with `measurements.reason` `tamper`, their state is reset (pending situations dropped, as
/// at the end of a stream), and they are not evaluated until the tamper situation ends. They
/// then start afresh, with ``resumeDelay`` seconds more of holding while the motion model
/// relearns the restored view.
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
    /// The id of the tamper rule whose open situation suppresses the other rules; nil when none does.
    public private(set) var suppressedBy: String?
    /// Whether the other rules are suppressed by an open tamper situation.
    public var isSuppressed: Bool { suppressedBy != nil }
    /// Seconds the other rules stay held after a tamper situation ends (the motion model
    /// relearns the restored view). Default 2.
    public var resumeDelay: Double = 2
    private var heldUntil: Timestamp?

    /// The run whose ids the rules' events carry (`<cameraID>/<ruleID>/<session>-<n>`).
    public let session: EventSession

    /// The rules of `scene` (enabled ones), plus `extraRules` from the integrator.
    /// - Parameters:
    ///   - scene: the validated scene whose enabled rules run.
    ///   - streamStart: wall-clock time of timestamp zero, for weekly schedules.
    ///   - session: the run written in every event id; a fresh, time-ordered one by default, so
    ///     ids never repeat across engines. Pass a fixed one for deterministic ids. Integrator
    ///     rules in `extraRules` should number their ids in the same session (``session``).
    ///   - extraRules: rules of the integrator's own, run after the scene's.
    public init(scene: Scene, streamStart: Date = Date(), session: EventSession = EventSession(),
                extraRules: [any Rule] = []) {
        self.scene = scene
        self.session = session
        for configuration in scene.rules where configuration.enabled {
            let common = RuleCommon(configuration: configuration, cameraID: scene.cameraID, session: session,
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
            case (.personDown, let zone, _):
                rules.append(PersonDownRule(common, zone: zone, calibration: scene.calibration))
            case (.crowdMovement, let zone?, _): rules.append(CrowdMovementRule(common, zone: zone))
            case (.projectile, let zone?, _): rules.append(ProjectileRule(common, zone: zone))
            case (.abandonedObject, let zone?, _): rules.append(AbandonedObjectRule(common, zone: zone))
            case (.objectRemoved, let zone?, _): rules.append(ObjectRemovedRule(common, zone: zone))
            case (.tamper, _, _): rules.append(TamperRule(common))
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
        var holding = false
        var tamperedBy: String?
        for i in rules.indices where rules[i] is TamperRule {
            events += try rules[i].evaluate(input)
            guard let rule = rules[i] as? TamperRule else { continue }
            holding = holding || rule.isHolding
            if rule.isTampered && tamperedBy == nil { tamperedBy = rule.id }
        }
        if let tamperedBy {
            if suppressedBy == nil { events += try endOthers(at: input.timestamp) }
            suppressedBy = tamperedBy
            return events
        }
        if suppressedBy != nil {
            suppressedBy = nil
            heldUntil = Timestamp(seconds: input.timestamp.seconds + resumeDelay)
        }
        if let heldUntil, input.timestamp < heldUntil { return events }
        heldUntil = nil
        if holding { return events }
        for i in rules.indices where !(rules[i] is TamperRule) && (input.tracked || !rules[i].needsTracks) {
            events += try rules[i].evaluate(input)
        }
        return events
    }

    /// Ends the open events of every rule but the tamper rules, marked `reason: tamper`.
    private mutating func endOthers(at time: Timestamp) throws -> [Event] {
        var events: [Event] = []
        for i in rules.indices where !(rules[i] is TamperRule) {
            for var event in try rules[i].finish(at: time) {
                event.measurements.reason = "tamper"
                events.append(event)
            }
        }
        return events
    }

    /// Ends every open event at `time` (end of stream, shutdown): nothing stays open.
    public mutating func finish(at time: Timestamp) throws -> [Event] {
        var events: [Event] = []
        for i in rules.indices { events += try rules[i].finish(at: time) }
        return events
    }
}
