import VigieAnalysis
import VigieCore
import VigieEvents

/// `tamper`: the camera is covered, moved, defocused, too dark, blinded or frozen for at least
/// `minDuration` seconds (default 5). Whole image, no zone; reads the tamper analyser's cues
/// (`RuleInput.cues.tamper`), so it runs on every frame, tracked or not.
///
/// Each condition is its own situation with its own lifecycle: the event's
/// `measurements.reason` is the condition (`covered`, `moved`, `defocused`, `tooDark`,
/// `tooBright`, `frozen`) and its topic the matching ONVIF video-source topic
/// (`EventKind.onvifTopic(reason:)`). One condition is observed per frame, the first of
/// `TamperCondition.priority` that holds, so a black cloth raises `covered`, not also `tooDark`.
///
/// The same `minDuration` applies to every condition: 5 s lets a person brushing past the lens,
/// a bus filling the view or a camera's exposure settling go by, and a deliberate cover lasts
/// far longer.
///
/// While one of its situations is open (``isTampered``) the `RuleEngine` suppresses the scene's
/// other rules; while a condition is seen but not yet confirmed (``isHolding``) it holds them.
public struct TamperRule: Rule {
    let common: RuleCommon
    /// One lifecycle per condition, in `TamperCondition.priority` order (an array, not a
    /// dictionary: updating an element in place allocates nothing).
    var lifecycles: [EventLifecycle]
    var ids: EventIDSequence
    /// The condition seen at the last frame, if any.
    public private(set) var current: TamperCondition?

    init(_ common: RuleCommon) {
        self.common = common
        ids = EventIDSequence(cameraID: common.cameraID, ruleID: common.id, session: common.session)
        lifecycles = TamperCondition.priority.map { _ in EventLifecycle(common.lifecycle) }
    }

    /// The rule's id.
    public var id: String { common.id }

    /// Frame-level: runs on every frame.
    public var needsTracks: Bool { false }

    /// Whether a tamper situation has started and not ended.
    public var isTampered: Bool { lifecycles.contains { $0.isStarted } }

    /// Whether a condition is seen now or a situation is open: the other rules' view is not to be trusted.
    public var isHolding: Bool { current != nil || isTampered }

    /// The conditions with an open situation, in priority order.
    public var openConditions: [TamperCondition] {
        TamperCondition.priority.indices.filter { lifecycles[$0].isStarted }.map { TamperCondition.priority[$0] }
    }

    /// One frame.
    public mutating func evaluate(_ input: RuleInput) throws -> [Event] {
        let scheduled = common.isScheduled(at: input.timestamp)
        let seen = scheduled ? input.cues.tamper?.primary : nil
        current = seen
        var events: [Event] = []
        for (index, condition) in TamperCondition.priority.enumerated() {
            let reason = condition.rawValue
            if let e = try lifecycles[index].observe(active: seen == condition, at: input.timestamp, ids: &ids,
                                                          makeEvent: { t in
                makeEvent(t, kind: .tamper, objects: [], measurements: EventMeasurements(reason: reason))
            }) { events.append(e) }
        }
        return events
    }

    /// Ends every open tamper situation.
    public mutating func finish(at time: Timestamp) throws -> [Event] {
        var events: [Event] = []
        for (index, condition) in TamperCondition.priority.enumerated() {
            if let t = try lifecycles[index].close(at: time) {
                events.append(makeEvent(t, kind: .tamper, objects: [],
                                        measurements: EventMeasurements(reason: condition.rawValue)))
            }
        }
        current = nil
        return events
    }
}
