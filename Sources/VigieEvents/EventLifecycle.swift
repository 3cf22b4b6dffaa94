import VigieCore

/// Turns per-frame "is the situation happening?" observations into one alert per situation:
/// a `started` event, `updated` events at most every `updateInterval` seconds, one `ended` event.
///
/// One lifecycle follows one situation of one rule: a rule keeps one per subject (per track for
/// intrusion or loitering, one for the whole zone for density or tamper) and calls `observe`
/// once per frame with that frame's timestamp. Time comes from frames only.
///
/// ```
/// active?  ...###############.###########..........######.......#####...
///             |-minDuration-|            |endAfter|--cooldown--|
///                           ^started   ^updated   ^ended          (pending again)
/// ```
///
/// - `minDuration`: the situation must hold this long (from its first active frame) before
///   `started` is emitted; shorter episodes raise nothing.
/// - `endAfter` (hysteresis): the situation ends once it has been inactive this long, measured
///   from the first inactive frame to the current one (at 10 frames per second and 1 s, at the
///   11th inactive frame); shorter gaps, before or after the start, do not interrupt it. So a
///   count hovering around a threshold, or a track briefly occluded, raises one alert, not a burst.
/// - `updateInterval`: while active, `updated` at most this often (`.infinity`: never).
/// - `cooldown`: after `ended`, no new situation may start for this long.
///
/// Example, a rule raising intrusions per track:
/// ```swift
/// let session = EventSession()   // one per pipeline run, shared by its rules
/// var ids = EventIDSequence(cameraID: "cam1", ruleID: "quai-2-intrusion", session: session)
/// var lifecycles: [Int: EventLifecycle] = [:]
/// let configuration = EventLifecycle.Configuration(minDuration: 2, updateInterval: 10, endAfter: 1, cooldown: 30)
///
/// for track in tracks {   // each frame
///     let inside = zone.contains(track.footPoint)
///     if let event = try lifecycles[track.id, default: EventLifecycle(configuration)].observe(
///         active: inside, at: frame.timestamp, ids: &ids,
///         makeEvent: { transition in
///             Event(transition, kind: .intrusion, zoneID: "quai-2",
///                   objects: [EventObject(trackID: track.id, box: track.box)])
///         })
///     {
///         try sink.send(event)
///     }
/// }
/// ```
/// When a track disappears, `close(at:)` ends its situation if one is open; a lifecycle for
/// which `isIdle(at:)` is true holds nothing worth keeping and can be dropped.
public struct EventLifecycle: Sendable, Hashable {
    /// The timing of a lifecycle, in seconds of stream time.
    public struct Configuration: Sendable, Hashable {
        /// Seconds the situation must hold before `started` (0: start on the first active frame).
        public var minDuration: Double
        /// Minimum seconds between two events of a situation while it is active
        /// (`.infinity`: no `updated` events).
        public var updateInterval: Double
        /// Seconds from the first inactive frame of a gap until the situation ends (0: at the first
        /// inactive frame). Gaps shorter than this do not interrupt a situation.
        public var endAfter: Double
        /// Seconds after `ended` during which no new situation starts.
        public var cooldown: Double

        /// A configuration; every duration must be ≥ 0 and all but `updateInterval` finite.
        public init(minDuration: Double = 0, updateInterval: Double = 10, endAfter: Double = 1, cooldown: Double = 0) {
            for (name, value) in [("minDuration", minDuration), ("endAfter", endAfter), ("cooldown", cooldown)] {
                precondition(value >= 0 && value.isFinite, "\(name) must be finite and ≥ 0 seconds, got \(value)")
            }
            precondition(updateInterval >= 0, "updateInterval must be ≥ 0 seconds, got \(updateInterval)")
            self.minDuration = minDuration
            self.updateInterval = updateInterval
            self.endAfter = endAfter
            self.cooldown = cooldown
        }
    }

    /// What `observe` decided at a frame: the phase to report and the times to put in the event.
    public struct Transition: Sendable, Hashable {
        /// The situation's event id (`Event.makeID`), the same for all its phases.
        public var id: String
        /// The camera, from the `EventIDSequence`.
        public var cameraID: String
        /// The rule, from the `EventIDSequence`.
        public var ruleID: String
        /// The situation's number among that rule's situations in the session, from 1.
        public var sequence: Int
        /// `started`, `updated` or `ended`.
        public var phase: EventPhase
        /// The first active frame of the situation.
        public var startTime: Timestamp
        /// The frame being observed.
        public var time: Timestamp
        /// For `ended`: the first frame of the inactive stretch that ended the situation.
        public var endTime: Timestamp?
    }

    private enum State: Sendable, Hashable {
        /// Nothing going on; no new start before `until` (cool-down) if set.
        case idle(coolingDownUntil: Timestamp?)
        /// Active since `since`, not yet for `minDuration`; inactive since `gap` if set.
        case pending(since: Timestamp, gap: Timestamp?)
        /// Started; last event at `lastEvent`; inactive since `gap` if set.
        case active(transition: Transition, lastEvent: Timestamp, gap: Timestamp?)
    }

    /// The timing.
    public let configuration: Configuration
    private var state: State = .idle(coolingDownUntil: nil)
    private var lastTime: Timestamp?

    /// A lifecycle with nothing going on.
    public init(_ configuration: Configuration) {
        self.configuration = configuration
    }

    /// Whether a situation has started and not yet ended.
    public var isStarted: Bool {
        if case .active = state { return true }
        return false
    }

    /// Whether nothing is pending, started or cooling down at `time`: the lifecycle can be dropped
    /// (a fresh one behaves the same from then on, monotonic check aside).
    public func isIdle(at time: Timestamp) -> Bool {
        if case .idle(let until) = state { return until.map { time >= $0 } ?? true }
        return false
    }

    /// Records whether the situation holds at the frame stamped `time` and returns the
    /// transition to report, if any. Numbers a new situation from `ids` when it starts.
    ///
    /// Throws `.nonMonotonicTimestamp` if `time` is not after the previous call's.
    public mutating func observe(
        active: Bool, at time: Timestamp, ids: inout EventIDSequence
    ) throws(EventLifecycleError) -> Transition? {
        if let last = lastTime, time <= last {
            throw .nonMonotonicTimestamp(previous: last, current: time)
        }
        lastTime = time
        switch state {
        case .idle(let until):
            guard active else { return nil }
            if let until, time < until { return nil }  // cooling down: suppressed
            state = .pending(since: time, gap: nil)
            return promoteIfDue(at: time, ids: &ids)

        case .pending(let since, let gap):
            if active {
                state = .pending(since: since, gap: nil)
                return promoteIfDue(at: time, ids: &ids)
            }
            let gapStart = gap ?? time
            state =
                elapsed(from: gapStart, to: time) >= configuration.endAfter
                ? .idle(coolingDownUntil: nil) : .pending(since: since, gap: gapStart)
            return nil

        case .active(let transition, let lastEvent, let gap):
            if active {
                guard elapsed(from: lastEvent, to: time) >= configuration.updateInterval else {
                    state = .active(transition: transition, lastEvent: lastEvent, gap: nil)
                    return nil
                }
                var updated = transition
                updated.phase = .updated
                updated.time = time
                state = .active(transition: transition, lastEvent: time, gap: nil)
                return updated
            }
            let gapStart = gap ?? time
            guard elapsed(from: gapStart, to: time) >= configuration.endAfter else {
                state = .active(transition: transition, lastEvent: lastEvent, gap: gapStart)
                return nil
            }
            return end(transition, endTime: gapStart, at: time)
        }
    }

    /// `observe(active:at:ids:)`, handing any transition to `makeEvent` to build the event.
    public mutating func observe(
        active: Bool, at time: Timestamp, ids: inout EventIDSequence, makeEvent: (Transition) -> Event
    ) throws(EventLifecycleError) -> Event? {
        try observe(active: active, at: time, ids: &ids).map(makeEvent)
    }

    /// Ends the situation now, whatever `endAfter` says (the subject's track ended, the stream
    /// stopped): returns `ended` if one had started, with `endTime` the start of the current
    /// inactive stretch or `time`. A pending situation is dropped. `time` may equal the last
    /// observed time (closing at the same frame) but not precede it.
    public mutating func close(at time: Timestamp) throws(EventLifecycleError) -> Transition? {
        if let last = lastTime, time < last {
            throw .nonMonotonicTimestamp(previous: last, current: time)
        }
        lastTime = time
        switch state {
        case .idle:
            return nil
        case .pending:
            state = .idle(coolingDownUntil: nil)
            return nil
        case .active(let transition, _, let gap):
            return end(transition, endTime: gap ?? time, at: time)
        }
    }

    private mutating func promoteIfDue(at time: Timestamp, ids: inout EventIDSequence) -> Transition? {
        guard case .pending(let since, _) = state, elapsed(from: since, to: time) >= configuration.minDuration else {
            return nil
        }
        let sequence = ids.next()
        let transition = Transition(
            id: Event.makeID(cameraID: ids.cameraID, ruleID: ids.ruleID, session: ids.session, sequence: sequence),
            cameraID: ids.cameraID,
            ruleID: ids.ruleID, sequence: sequence, phase: .started, startTime: since, time: time, endTime: nil)
        state = .active(transition: transition, lastEvent: time, gap: nil)
        return transition
    }

    private mutating func end(_ transition: Transition, endTime: Timestamp, at time: Timestamp) -> Transition {
        var ended = transition
        ended.phase = .ended
        ended.time = time
        ended.endTime = endTime
        let cooldown = configuration.cooldown
        state = .idle(coolingDownUntil: cooldown > 0 ? time.adding(seconds: cooldown) : nil)
        return ended
    }

    /// Seconds from `a` to `b`, computed from integer nanoseconds so frame-rate multiples compare exactly.
    private func elapsed(from a: Timestamp, to b: Timestamp) -> Double {
        Double(b.nanoseconds - a.nanoseconds) / 1e9
    }

}

extension Timestamp {
    /// `self` plus `seconds` (finite, ≥ 0), saturating at the largest timestamp.
    fileprivate func adding(seconds: Double) -> Timestamp {
        let delta = Int64((min(seconds, 9e9) * 1e9).rounded())
        let (sum, overflow) = nanoseconds.addingReportingOverflow(delta)
        return Timestamp(nanoseconds: overflow ? .max : sum)
    }
}

/// Numbers the situations of one rule on one camera in one session, giving their event ids:
/// `cam1/rule-a/<session>-1`, `cam1/rule-a/<session>-2`, … Keep one per rule, shared by all its
/// lifecycles; give every rule of a pipeline the same session.
public struct EventIDSequence: Sendable, Hashable {
    /// The camera the rule runs on.
    public let cameraID: String
    /// The rule.
    public let ruleID: String
    /// The run the ids belong to.
    public let session: EventSession
    /// The number the next situation will get (from 1).
    public private(set) var nextNumber: Int

    /// A sequence for `ruleID` on `cameraID` in `session`, starting at `first`.
    public init(cameraID: String, ruleID: String, session: EventSession, first: Int = 1) {
        self.cameraID = cameraID
        self.ruleID = ruleID
        self.session = session
        self.nextNumber = first
    }

    /// Takes the next number.
    public mutating func next() -> Int {
        defer { nextNumber += 1 }
        return nextNumber
    }
}

/// Errors from `EventLifecycle`.
public enum EventLifecycleError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A frame timestamp not after the previous one seen by this lifecycle.
    case nonMonotonicTimestamp(previous: Timestamp, current: Timestamp)

    public var description: String {
        switch self {
        case .nonMonotonicTimestamp(let p, let c): "timestamp \(c) is not after the previous observation's \(p)"
        }
    }
}
