import VigieCore

/// A polygonal region of the image where rules apply: a track line, school grounds, a corridor.
///
/// The polygon is in normalised image coordinates: (0, 0) top-left, (1, 1) bottom-right,
/// x to the right, y down, whatever the resolution. It must have at least 3 points, stay
/// within 0…1, not cross itself, and enclose a non-zero area; it may be given clockwise or
/// anticlockwise and is closed implicitly (do not repeat the first point).
public struct Zone: Codable, Sendable, Equatable {
    /// Unique among the scene's zones; rules refer to the zone by it. Non-empty.
    public var id: String
    /// A human-readable name for operators (optional).
    public var name: String?
    /// Free text for people reading the file (optional, ignored by the rules).
    public var description: String?
    /// The outline, in normalised image coordinates (0…1).
    public var polygon: [NormalisedPoint]
    /// The normal direction of traffic for `wrongWay` rules, in degrees measured on the
    /// displayed image: 0 = right (+x), 90 = down (+y), 180 = left, 270 = up. Values in
    /// −360…360 are accepted and taken modulo 360. Nil: the zone has no direction.
    ///
    /// Angles are measured on pixel axes (what an operator sees), so 45 is the diagonal of
    /// a square of pixels, not of the normalised unit square.
    public var allowedDirection: Double?
    /// How far, in degrees, a heading may be from the exact reverse of `allowedDirection`
    /// and still count as wrong-way: a heading is wrong-way when it lies within this many
    /// degrees of `allowedDirection + 180`. Range (0, 90]; default
    /// ``Zone/defaultDirectionTolerance`` (60). Only with `allowedDirection`.
    public var directionTolerance: Double?

    /// Default ``directionTolerance``, in degrees.
    public static let defaultDirectionTolerance = 60.0

    /// A zone from its outline in normalised image coordinates.
    public init(
        id: String, name: String? = nil, description: String? = nil, polygon: [NormalisedPoint],
        allowedDirection: Double? = nil, directionTolerance: Double? = nil
    ) {
        self.id = id
        self.name = name
        self.description = description
        self.polygon = polygon
        self.allowedDirection = allowedDirection
        self.directionTolerance = directionTolerance
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, name, description, polygon, allowedDirection, directionTolerance
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.decode(String.self, forKey: .id),
            name: try c.decodeIfPresent(String.self, forKey: .name),
            description: try c.decodeIfPresent(String.self, forKey: .description),
            polygon: try c.decodePolygon(forKey: .polygon),
            allowedDirection: try c.decodeIfPresent(Double.self, forKey: .allowedDirection),
            directionTolerance: try c.decodeIfPresent(Double.self, forKey: .directionTolerance))
    }

    /// Whether a point (normalised image coordinates) lies inside the polygon (even-odd rule;
    /// points exactly on an edge may fall either way).
    public func contains(_ point: NormalisedPoint) -> Bool { PolygonGeometry.contains(polygon, point) }

    /// Area of the polygon in normalised units (fraction of the image area).
    public var normalisedArea: Double { abs(PolygonGeometry.signedArea(polygon)) }

    /// Whether a heading (degrees on pixel axes, 0 = right, 90 = down) goes against
    /// `allowedDirection`, that is lies within `directionTolerance` of its reverse.
    /// Nil when the zone has no allowed direction.
    public func isWrongWay(headingDegrees heading: Double) -> Bool? {
        guard let allowed = allowedDirection else { return nil }
        let tolerance = directionTolerance ?? Self.defaultDirectionTolerance
        return angularDifference(heading, allowed + 180) <= tolerance
    }
}

/// The absolute difference between two angles in degrees, in 0…180.
func angularDifference(_ a: Double, _ b: Double) -> Double {
    let d = (a - b).truncatingRemainder(dividingBy: 360)
    let positive = d < 0 ? d + 360 : d
    return min(positive, 360 - positive)
}

/// Which way an object crossed a ``Line``, or which crossings a rule reports.
public enum CrossingDirection: String, Codable, Sendable, CaseIterable {
    /// From the left of `from`→`to` to its right (see ``Line``).
    case positive
    /// From the right of `from`→`to` to its left.
    case negative
    /// Either way (only meaningful as a rule setting).
    case both

    /// Whether a rule set to `self` reports a crossing in direction `crossing`.
    public func includes(_ crossing: CrossingDirection) -> Bool { self == .both || self == crossing }
}

/// A virtual tripwire between two points, with named directions.
///
/// Direction rule, in image coordinates (x right, y down): stand on the displayed image at
/// `from`, look towards `to`; a **positive** crossing goes from your left to your right.
/// Mathematically, with d = to − from, the side of a point p is the sign of
/// s(p) = d.x·(p.y − from.y) − d.y·(p.x − from.x) (the z of d × (p − from)): s < 0 on the
/// left, s > 0 on the right, and a positive crossing takes s from negative to positive.
///
/// ```
///   from ●──────────────▶● to        (y grows downward)
///          left:  s < 0 (above)
///          ──────────────────
///          right: s > 0 (below)        positive crossing: top to bottom
/// ```
///
/// So a line drawn left to right counts downward crossings as positive; drawn top to
/// bottom, it counts right-to-left crossings as positive.
public struct Line: Codable, Sendable, Equatable {
    /// Unique among the scene's lines; rules refer to the line by it. Non-empty.
    public var id: String
    /// A human-readable name for operators (optional).
    public var name: String?
    /// Free text for people reading the file (optional, ignored by the rules).
    public var description: String?
    /// First end point, normalised image coordinates (0…1).
    public var from: NormalisedPoint
    /// Second end point, normalised image coordinates (0…1); distinct from `from`.
    public var to: NormalisedPoint
    /// The name events give a positive crossing (left to right of `from`→`to`), such as
    /// "in" or "entering". Default "positive".
    public var positiveDirection: String
    /// The name events give a negative crossing, such as "out" or "leaving". Default "negative".
    public var negativeDirection: String

    /// A line between two points in normalised image coordinates.
    public init(
        id: String, name: String? = nil, description: String? = nil, from: NormalisedPoint, to: NormalisedPoint,
        positiveDirection: String = "positive", negativeDirection: String = "negative"
    ) {
        self.id = id
        self.name = name
        self.description = description
        self.from = from
        self.to = to
        self.positiveDirection = positiveDirection
        self.negativeDirection = negativeDirection
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, name, description, from, to, positiveDirection, negativeDirection
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.decode(String.self, forKey: .id),
            name: try c.decodeIfPresent(String.self, forKey: .name),
            description: try c.decodeIfPresent(String.self, forKey: .description),
            from: try c.decodePoint(forKey: .from),
            to: try c.decodePoint(forKey: .to),
            positiveDirection: try c.decodeIfPresent(String.self, forKey: .positiveDirection) ?? "positive",
            negativeDirection: try c.decodeIfPresent(String.self, forKey: .negativeDirection) ?? "negative")
    }

    /// The signed side of a point: the z of (to − from) × (p − from), in normalised units
    /// squared. Negative on the left of `from`→`to` as seen on the image, positive on the
    /// right, zero on the line's supporting line.
    public func side(of point: NormalisedPoint) -> Double { PolygonGeometry.cross(from, to, point) }

    /// The direction in which the movement `start`→`end` (normalised image coordinates)
    /// crosses the segment, or nil when it does not cross it. A movement that starts or
    /// ends exactly on the line is not a crossing (the next movement completes it).
    public func crossing(from start: NormalisedPoint, to end: NormalisedPoint) -> CrossingDirection? {
        let s0 = side(of: start), s1 = side(of: end)
        guard (s0 < 0 && s1 > 0) || (s0 > 0 && s1 < 0) else { return nil }
        let t0 = PolygonGeometry.cross(start, end, from), t1 = PolygonGeometry.cross(start, end, to)
        guard (t0 <= 0 && t1 >= 0) || (t0 >= 0 && t1 <= 0) else { return nil }
        return s0 < 0 ? .positive : .negative
    }

    /// Length in normalised units (not isotropic in pixels unless the image is square).
    public var normalisedLength: Double {
        ((to.x - from.x) * (to.x - from.x) + (to.y - from.y) * (to.y - from.y)).squareRoot()
    }
}

/// A static region that is always filled opaque in every image leaving the library
/// (a neighbouring window, a house opposite). Rules ignore it; the anonymiser applies it.
/// Same polygon rules as ``Zone``.
public struct PrivacyMask: Codable, Sendable, Equatable {
    /// Unique among the scene's privacy masks. Non-empty.
    public var id: String
    /// Free text for people reading the file (optional).
    public var description: String?
    /// The outline, in normalised image coordinates (0…1).
    public var polygon: [NormalisedPoint]

    /// A mask from its outline in normalised image coordinates.
    public init(id: String, description: String? = nil, polygon: [NormalisedPoint]) {
        self.id = id
        self.description = description
        self.polygon = polygon
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, description, polygon
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.decode(String.self, forKey: .id),
            description: try c.decodeIfPresent(String.self, forKey: .description),
            polygon: try c.decodePolygon(forKey: .polygon))
    }

    /// Whether a point (normalised image coordinates) lies inside the mask.
    public func contains(_ point: NormalisedPoint) -> Bool { PolygonGeometry.contains(polygon, point) }
}
