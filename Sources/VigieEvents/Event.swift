import VigieCore

/// An alert, or a step in the life of one, for a human operator: what happened, where, when,
/// under which rule, and the geometry of the objects involved.
///
/// An event carries no pixels and no appearance descriptors: objects are ephemeral track ids
/// with a normalised box and foot point, and `snapshot` is only the name of an anonymised image
/// written elsewhere. Nothing in an event can identify a person.
///
/// One situation yields `started`, zero or more `updated` and one `ended` event, all with the
/// same `id` (see `EventLifecycle`). On the wire an event is one line of JSON (`jsonLine()`;
/// schema `Documentation/event.schema.json`, guide `Documentation/Events.md`).
public struct Event: Sendable, Hashable {
    /// The version tag written in the `schema` field of every JSON line: `vigie.event/1`.
    public static let schema = "vigie.event/1"

    /// The situation's id, the same for all its phases: `<cameraID>/<ruleID>/<session>-<sequence>`,
    /// where `session` names the run (an `EventSession`, time-ordered, fresh per pipeline unless
    /// given) and `sequence` counts the situations of that rule in that session from 1
    /// (`cam1/rule-a/01JEKX4T0C9ZQ8Q4V2M6R7Y3HA-17`). Unique across input reopenings, process
    /// restarts and cameras; with a fixed session, the same frames give the same ids.
    /// See `Event.makeID`.
    public var id: String
    /// What happened.
    public var kind: EventKind
    /// Where the situation stands: started, updated or ended.
    public var phase: EventPhase
    /// The id of the rule (from the scene file) that raised the event.
    public var ruleID: String
    /// The zone the rule watches, if it watches a zone.
    public var zoneID: String?
    /// The line the rule watches, if it watches a line.
    public var lineID: String?
    /// The camera the frames came from.
    public var cameraID: String
    /// When the situation began: the first frame it was observed in (stream time).
    public var startTime: Timestamp
    /// The frame this event was raised at (stream time); `time >= startTime`.
    public var time: Timestamp
    /// When the situation ended (the first frame it was no longer observed in); `ended` events only.
    public var endTime: Timestamp?
    /// The tracked objects involved, as seen at `time`; may be empty (tamper, fire, density).
    public var objects: [EventObject]
    /// Measured quantities; which ones are set depends on the kind.
    public var measurements: EventMeasurements
    /// Confidence in the event, 0…1 (1 = certain).
    public var score: Double
    /// The file name of an anonymised snapshot of the scene at `time`, if one was written.
    /// A reference only: an event never holds pixels.
    public var snapshot: String?

    /// The analytics topic: `kind.onvifTopic(reason: measurements.reason)` (the ONVIF topic where
    /// one exists, else a `vigie:` one; a `tamper` event's topic names its condition).
    public var topic: String { kind.onvifTopic(reason: measurements.reason) }

    /// An event from all its fields. `score` must be in 0…1.
    public init(
        id: String,
        kind: EventKind,
        phase: EventPhase,
        ruleID: String,
        zoneID: String? = nil,
        lineID: String? = nil,
        cameraID: String,
        startTime: Timestamp,
        time: Timestamp,
        endTime: Timestamp? = nil,
        objects: [EventObject] = [],
        measurements: EventMeasurements = EventMeasurements(),
        score: Double = 1,
        snapshot: String? = nil
    ) {
        precondition(score >= 0 && score <= 1, "event score must be in 0…1, got \(score)")
        self.id = id
        self.kind = kind
        self.phase = phase
        self.ruleID = ruleID
        self.zoneID = zoneID
        self.lineID = lineID
        self.cameraID = cameraID
        self.startTime = startTime
        self.time = time
        self.endTime = endTime
        self.objects = objects
        self.measurements = measurements
        self.score = score
        self.snapshot = snapshot
    }

    /// An event for a lifecycle transition: id, phase, camera, rule and the three times come
    /// from `transition`; the rest from the rule. `score` must be in 0…1.
    public init(
        _ transition: EventLifecycle.Transition,
        kind: EventKind,
        zoneID: String? = nil,
        lineID: String? = nil,
        objects: [EventObject] = [],
        measurements: EventMeasurements = EventMeasurements(),
        score: Double = 1,
        snapshot: String? = nil
    ) {
        self.init(
            id: transition.id, kind: kind, phase: transition.phase, ruleID: transition.ruleID, zoneID: zoneID,
            lineID: lineID, cameraID: transition.cameraID, startTime: transition.startTime, time: transition.time,
            endTime: transition.endTime, objects: objects, measurements: measurements, score: score,
            snapshot: snapshot)
    }

    /// The id of situation number `sequence` (from 1) of rule `ruleID` on camera `cameraID` in
    /// `session`: `"\(cameraID)/\(ruleID)/\(session.id)-\(sequence)"`, e.g.
    /// `cam1/rule-a/01JEKX4T0C9ZQ8Q4V2M6R7Y3HA-17`. The sequence is the text after the last `-`,
    /// the session the text between the last `/` and that `-`.
    public static func makeID(cameraID: String, ruleID: String, session: EventSession, sequence: Int) -> String {
        "\(cameraID)/\(ruleID)/\(session.id)-\(sequence)"
    }
}

/// A tracked object involved in an event: geometry only, no appearance.
public struct EventObject: Sendable, Hashable, Codable {
    /// The tracker's id for the object: ephemeral, per camera, meaningless outside this stream
    /// (a person who leaves and comes back gets a new id).
    public var trackID: Int
    /// Bounding box in normalised image coordinates (0…1, origin top-left, y down).
    public var box: NormalisedRect
    /// Foot point (bottom centre of the box, where the object touches the ground) in normalised
    /// image coordinates.
    public var footPoint: NormalisedPoint
    /// The object's class when a detector supplied one (`person`, `vehicle`, …); `nil` for
    /// class-less motion blobs.
    public var objectClass: String?

    /// An object from its track id, box, foot point and optional class.
    public init(trackID: Int, box: NormalisedRect, footPoint: NormalisedPoint, objectClass: String? = nil) {
        self.trackID = trackID
        self.box = box
        self.footPoint = footPoint
        self.objectClass = objectClass
    }

    /// An object whose foot point is the bottom centre of `box`.
    public init(trackID: Int, box: NormalisedRect, objectClass: String? = nil) {
        self.init(
            trackID: trackID, box: box, footPoint: NormalisedPoint(x: box.x + box.width / 2, y: box.y + box.height),
            objectClass: objectClass)
    }
}

/// The quantities a rule measured; all optional, each kind sets the ones that make sense
/// (a loitering event a dwell time, a density event a count and a density, …).
public struct EventMeasurements: Sendable, Hashable, Codable {
    /// How long the object has been in the zone, in seconds (cumulative for loitering).
    public var dwellSeconds: Double?
    /// A number of objects (people in the zone, objects crossing).
    public var count: Int?
    /// Occupancy of the zone as a fraction of its area, 0…1 (uncalibrated density).
    public var occupancy: Double?
    /// Density in people per square metre of ground (needs the scene's ground-plane calibration).
    public var density: Double?
    /// Direction of motion in degrees, 0 ≤ d < 360, in image coordinates: 0 points right (+x),
    /// 90 down (+y), so angles grow clockwise on screen.
    public var directionDegrees: Double?
    /// Ground speed in metres per second (needs the ground-plane calibration).
    public var speedMetresPerSecond: Double?
    /// Image speed in normalised image units per second (1 = the image width or height per second).
    public var speedNormalisedPerSecond: Double?
    /// A short note on why an event is suppressed or suppresses others, e.g. `tamper`.
    public var reason: String?

    /// Measurements; leave unset what the rule does not measure.
    public init(
        dwellSeconds: Double? = nil,
        count: Int? = nil,
        occupancy: Double? = nil,
        density: Double? = nil,
        directionDegrees: Double? = nil,
        speedMetresPerSecond: Double? = nil,
        speedNormalisedPerSecond: Double? = nil,
        reason: String? = nil
    ) {
        self.dwellSeconds = dwellSeconds
        self.count = count
        self.occupancy = occupancy
        self.density = density
        self.directionDegrees = directionDegrees
        self.speedMetresPerSecond = speedMetresPerSecond
        self.speedNormalisedPerSecond = speedNormalisedPerSecond
        self.reason = reason
    }

    /// Whether no measurement is set.
    public var isEmpty: Bool { self == EventMeasurements() }
}
