import VigieEvents

/// One rule of a scene: what to watch for (`kind`), where (a zone or a line), when
/// (`schedule`), and its thresholds. All durations are in seconds of frame time.
///
/// Fields a file leaves out take documented defaults, some of which depend on the kind
/// (``RuleConfiguration/defaultMinDuration(for:)``). Kind-specific thresholds are only
/// accepted on their kind: `maxDwell` on a `lineCrossed` rule is an error, not ignored.
public struct RuleConfiguration: Codable, Sendable, Equatable {
    /// Unique among the scene's rules; events carry it. Non-empty.
    public var id: String
    /// What the rule detects.
    public var kind: EventKind
    /// Free text for people reading the file (optional, ignored by the rules).
    public var description: String?
    /// The id of the zone watched. Required for `intrusion`, `loitering`, `densityExceeded`,
    /// `wrongWay`, `crowdMovement`, `abandonedObject`, `objectRemoved`, `projectile`;
    /// optional (whole image when absent) for `personDown`, `fire`, `smoke`; not allowed
    /// for `lineCrossed` and `tamper`.
    public var zone: String?
    /// The id of the line watched. Required for `lineCrossed`, not allowed otherwise.
    public var line: String?
    /// How long, in seconds, the situation must last before the event starts (≥ 0).
    /// Default per kind: ``defaultMinDuration(for:)``. For `abandonedObject` it is the time
    /// the object must stay static.
    public var minDuration: Double
    /// Smallest object considered, as a fraction of the image height (box height / image
    /// height), 0…1; 0 accepts any size. Default ``defaultMinObjectSize`` (0.03).
    public var minObjectSize: Double
    /// Seconds after an event of this rule ends before the rule may start a new one (≥ 0).
    /// Default ``defaultCooldown`` (10 s).
    public var cooldown: Double
    /// Seconds between `updated` events while a situation lasts (> 0). Default
    /// ``defaultUpdateInterval`` (5 s).
    public var updateInterval: Double
    /// When the rule is active; nil: always.
    public var schedule: WeeklySchedule?
    /// `loitering` only: cumulative seconds an object may spend in the zone before the
    /// event starts (> 0). Default ``defaultMaxDwell`` (60 s).
    public var maxDwell: Double?
    /// `densityExceeded` only: the event starts above this many people in the zone (≥ 1).
    public var maxCount: Int?
    /// `densityExceeded` only: people per m² of ground (0…10); needs a scene calibration.
    public var maxDensity: Double?
    /// `densityExceeded` only: the fraction of the zone's area covered by moving objects
    /// (0…1]. Default ``defaultMaxOccupancy`` (0.5) when none of `maxCount`, `maxDensity`,
    /// `maxOccupancy` is given.
    public var maxOccupancy: Double?
    /// `wrongWay` only: how far an object must travel against the allowed direction before
    /// the event starts (> 0): in image heights (a displacement in pixels divided by the
    /// image height) without calibration, in metres on the ground with one. Nil: the default,
    /// ``defaultMinDistanceImageHeights`` (0.1) or ``defaultMinDistanceMetres`` (2 m); see
    /// ``resolvedMinDistance(calibrated:)``.
    public var minDistance: Double?
    /// `lineCrossed` only: which crossings raise an event (default ``CrossingDirection/both``).
    public var direction: CrossingDirection?
    /// Object classes the rule considers, as labelled by an external detector (`"person"`,
    /// `"vehicle"`); nil: every object. Not for `fire`, `smoke`, `crowdMovement`, `tamper`.
    public var classes: [String]?
    /// `abandonedObject` only: whether an object counts only once the track that brought it (its
    /// owner, a larger track that touched it before it stopped) has walked away from it. Nil: false.
    public var requireOwner: Bool?
    /// Whether the rule runs. Default true.
    public var enabled: Bool

    /// Default ``minObjectSize``: 3 % of the image height.
    public static let defaultMinObjectSize = 0.03
    /// Default ``cooldown``, seconds.
    public static let defaultCooldown = 10.0
    /// Default ``updateInterval``, seconds.
    public static let defaultUpdateInterval = 5.0
    /// Default ``maxDwell`` of `loitering` rules, seconds.
    public static let defaultMaxDwell = 60.0
    /// Default ``maxOccupancy`` of `densityExceeded` rules, fraction of the zone area.
    public static let defaultMaxOccupancy = 0.5
    /// Default ``minDistance`` of `wrongWay` rules without calibration, image heights.
    public static let defaultMinDistanceImageHeights = 0.1
    /// Default ``minDistance`` of `wrongWay` rules with calibration, metres.
    public static let defaultMinDistanceMetres = 2.0

    /// Default ``minDuration`` per kind, seconds: `abandonedObject` and `objectRemoved` 30,
    /// `densityExceeded`, `personDown`, `smoke` and `tamper` 5, `fire` 2, `intrusion`,
    /// `wrongWay` and `crowdMovement` 1, `lineCrossed`, `loitering` (see `maxDwell`) and
    /// `projectile` 0.
    public static func defaultMinDuration(for kind: EventKind) -> Double {
        switch kind {
        case .abandonedObject, .objectRemoved: 30
        case .densityExceeded, .personDown, .smoke, .tamper: 5
        case .fire: 2
        case .intrusion, .wrongWay, .crowdMovement: 1
        case .lineCrossed, .loitering, .projectile: 0
        }
    }

    /// A rule; nil thresholds take the kind's defaults (`minDuration`, `maxDwell` for
    /// `loitering`, `direction` for `lineCrossed`, `maxOccupancy` for `densityExceeded`
    /// when no density threshold is given).
    public init(
        id: String, kind: EventKind, description: String? = nil, zone: String? = nil, line: String? = nil,
        minDuration: Double? = nil, minObjectSize: Double = defaultMinObjectSize, cooldown: Double = defaultCooldown,
        updateInterval: Double = defaultUpdateInterval, schedule: WeeklySchedule? = nil, maxDwell: Double? = nil,
        maxCount: Int? = nil, maxDensity: Double? = nil, maxOccupancy: Double? = nil, minDistance: Double? = nil,
        direction: CrossingDirection? = nil, classes: [String]? = nil, requireOwner: Bool? = nil, enabled: Bool = true
    ) {
        self.id = id
        self.kind = kind
        self.description = description
        self.zone = zone
        self.line = line
        self.minDuration = minDuration ?? Self.defaultMinDuration(for: kind)
        self.minObjectSize = minObjectSize
        self.cooldown = cooldown
        self.updateInterval = updateInterval
        self.schedule = schedule
        self.maxDwell = maxDwell ?? (kind == .loitering ? Self.defaultMaxDwell : nil)
        self.maxCount = maxCount
        self.maxDensity = maxDensity
        let noDensityThreshold = maxCount == nil && maxDensity == nil && maxOccupancy == nil
        self.maxOccupancy =
            maxOccupancy ?? (kind == .densityExceeded && noDensityThreshold ? Self.defaultMaxOccupancy : nil)
        self.minDistance = minDistance
        self.direction = direction ?? (kind == .lineCrossed ? .both : nil)
        self.classes = classes
        self.requireOwner = requireOwner
        self.enabled = enabled
    }

    /// The `wrongWay` distance threshold with its default resolved: image heights without
    /// calibration, metres with one. Nil for other kinds.
    public func resolvedMinDistance(calibrated: Bool) -> Double? {
        guard kind == .wrongWay else { return nil }
        return minDistance ?? (calibrated ? Self.defaultMinDistanceMetres : Self.defaultMinDistanceImageHeights)
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, kind, description, zone, line, minDuration, minObjectSize, cooldown, updateInterval, schedule
        case maxDwell, maxCount, maxDensity, maxOccupancy, minDistance, direction, classes, requireOwner, enabled
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try decoder.decodeName(
            EventKind.self, from: try c.decode(String.self, forKey: .kind), at: CodingKeys.kind, what: "rule kind")
        var direction: CrossingDirection? = nil
        if let name = try c.decodeIfPresent(String.self, forKey: .direction) {
            direction = try decoder.decodeName(
                CrossingDirection.self, from: name, at: CodingKeys.direction, what: "direction")
        }
        self.init(
            id: try c.decode(String.self, forKey: .id), kind: kind,
            description: try c.decodeIfPresent(String.self, forKey: .description),
            zone: try c.decodeIfPresent(String.self, forKey: .zone),
            line: try c.decodeIfPresent(String.self, forKey: .line),
            minDuration: try c.decodeIfPresent(Double.self, forKey: .minDuration),
            minObjectSize: try c.decodeIfPresent(Double.self, forKey: .minObjectSize) ?? Self.defaultMinObjectSize,
            cooldown: try c.decodeIfPresent(Double.self, forKey: .cooldown) ?? Self.defaultCooldown,
            updateInterval: try c.decodeIfPresent(Double.self, forKey: .updateInterval) ?? Self.defaultUpdateInterval,
            schedule: try c.decodeIfPresent(WeeklySchedule.self, forKey: .schedule),
            maxDwell: try c.decodeIfPresent(Double.self, forKey: .maxDwell),
            maxCount: try c.decodeIntegerIfPresent(forKey: .maxCount),
            maxDensity: try c.decodeIfPresent(Double.self, forKey: .maxDensity),
            maxOccupancy: try c.decodeIfPresent(Double.self, forKey: .maxOccupancy),
            minDistance: try c.decodeIfPresent(Double.self, forKey: .minDistance),
            direction: direction,
            classes: try c.decodeIfPresent([String].self, forKey: .classes),
            requireOwner: try c.decodeIfPresent(Bool.self, forKey: .requireOwner),
            enabled: try c.decodeIfPresent(Bool.self, forKey: .enabled) ?? true)
    }
}

/// Where a rule kind applies.
enum RulePlacement {
    case zoneRequired, zoneOptional, lineRequired, wholeImage

    init(_ kind: EventKind) {
        switch kind {
        case .intrusion, .loitering, .densityExceeded, .wrongWay, .crowdMovement, .abandonedObject, .objectRemoved,
            .projectile:
            self = .zoneRequired
        case .personDown, .fire, .smoke: self = .zoneOptional
        case .lineCrossed: self = .lineRequired
        case .tamper: self = .wholeImage
        }
    }
}
