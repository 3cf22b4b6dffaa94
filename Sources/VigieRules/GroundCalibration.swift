import VigieCore

/// A point on the ground plane, in metres, in an arbitrary flat frame chosen by whoever
/// measured the scene (for example x along the platform edge, y across it).
public struct GroundPoint: Hashable, Sendable, Codable {
    /// First ground coordinate, metres.
    public var x: Double
    /// Second ground coordinate, metres.
    public var y: Double

    /// A ground point in metres.
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// A ground-plane calibration: four points seen in the image, with their positions on the
/// ground in metres, define the homography (plane-to-plane projective map) from normalised
/// image coordinates to ground metres. It turns zone areas into m² (people per m²) and image
/// displacements into metres.
///
/// Choose four points on the ground (floor markings, tile corners, the ends of a platform
/// edge), no three of them in a line, spread over the area the rules watch, and list each
/// with its image position (normalised 0…1) and ground position (metres). The homography is
/// computed by the direct linear transform (DLT) on Hartley-normalised points, solving the
/// 8×8 linear system with partial pivoting. The map is only meaningful below the horizon:
/// points on or beyond it have no ground position.
public struct GroundCalibration: Codable, Sendable, Equatable {
    /// One image point and the ground point it shows.
    public struct Correspondence: Codable, Sendable, Equatable {
        /// The point in normalised image coordinates (0…1).
        public var image: NormalisedPoint
        /// The same point on the ground, metres.
        public var ground: GroundPoint

        /// A correspondence between an image point and a ground point.
        public init(image: NormalisedPoint, ground: GroundPoint) {
            self.image = image
            self.ground = ground
        }

        enum CodingKeys: String, CodingKey, CaseIterable { case image, ground }
        enum GroundKeys: String, CodingKey, CaseIterable { case x, y }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            image = try c.decodePoint(forKey: .image)
            let groundDecoder = try c.superDecoder(forKey: .ground)
            try groundDecoder.rejectUnknownKeys(GroundKeys.self)
            ground = try GroundPoint(from: groundDecoder)
        }
    }

    /// Exactly four correspondences.
    public let points: [Correspondence]
    /// The homography, row-major 3×3, from normalised image (u, v, 1) to ground (x, y, w),
    /// scaled so that w > 0 at the calibration points.
    public let homography: [Double]

    /// Computes the homography from four correspondences.
    ///
    /// - Throws: ``SceneFileError/invalidValue(field:reason:)`` with field `calibration.points`
    ///   when there are not exactly four points, an image point lies outside 0…1, three image
    ///   or ground points are collinear, or the two quadrilaterals are not in the same order
    ///   (the map would fold the plane, putting a calibration point beyond the horizon).
    public init(points: [Correspondence]) throws(SceneFileError) {
        let field = "calibration.points"
        guard points.count == 4 else {
            throw .invalidValue(field: field, reason: "needs exactly 4 points, got \(points.count)")
        }
        for (i, p) in points.enumerated() {
            for (axis, value) in [("x", p.image.x), ("y", p.image.y)] where !(0...1).contains(value) {
                throw .invalidValue(field: "\(field)[\(i)].image.\(axis)", reason: "\(value) is outside 0…1")
            }
            for (axis, value) in [("x", p.ground.x), ("y", p.ground.y)] where !value.isFinite {
                throw .invalidValue(field: "\(field)[\(i)].ground.\(axis)", reason: "must be a finite number of metres")
            }
        }
        let image = points.map { ($0.image.x, $0.image.y) }
        let ground = points.map { ($0.ground.x, $0.ground.y) }
        if let (a, b, c) = Self.collinearTriple(image) {
            throw .invalidValue(field: field, reason: "image points \(a), \(b) and \(c) are collinear")
        }
        if let (a, b, c) = Self.collinearTriple(ground) {
            throw .invalidValue(field: field, reason: "ground points \(a), \(b) and \(c) are collinear")
        }
        guard var h = Self.dlt(from: image, to: ground) else {
            throw .invalidValue(field: field, reason: "degenerate points: no homography")
        }
        let w = image.map { h[6] * $0.0 + h[7] * $0.1 + h[8] }
        if w.allSatisfy({ $0 < 0 }) { h = h.map { -$0 } }
        guard w.allSatisfy({ $0 > 0 }) || w.allSatisfy({ $0 < 0 }) else {
            throw .invalidValue(
                field: field,
                reason: "image and ground points are not in the same order (the mapping would fold the ground plane)")
        }
        self.points = points
        self.homography = h
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case points }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let points = try c.decode([Correspondence].self, forKey: .points)
        do {
            try self.init(points: points)
        } catch {
            guard case let .invalidValue(field, reason) = error else { throw error }
            // Re-root the field under the decoder's path (`calibration.points[2].image.x`).
            let suffix = field.dropFirst("calibration.points".count)
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: c.codingPath + [CodingKeys.points] + Self.keys(String(suffix)), debugDescription: reason
                ))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(points, forKey: .points)
    }

    /// The ground position, in metres, of a point in normalised image coordinates; nil when
    /// the point is on or beyond the horizon of the ground plane.
    public func imageToGround(_ p: NormalisedPoint) -> GroundPoint? {
        let h = homography
        let w = h[6] * p.x + h[7] * p.y + h[8]
        guard w > 1e-12 * (abs(h[6]) + abs(h[7]) + abs(h[8])) else { return nil }
        return GroundPoint(x: (h[0] * p.x + h[1] * p.y + h[2]) / w, y: (h[3] * p.x + h[4] * p.y + h[5]) / w)
    }

    /// The ground area, in m², of a polygon given in normalised image coordinates (a
    /// homography maps straight edges to straight edges, so the mapped polygon's shoelace
    /// area is exact). Nil when a vertex is on or beyond the horizon.
    public func groundArea(ofPolygon polygon: [NormalisedPoint]) -> Double? {
        var mapped: [GroundPoint] = []
        mapped.reserveCapacity(polygon.count)
        for p in polygon {
            guard let g = imageToGround(p) else { return nil }
            mapped.append(g)
        }
        guard mapped.count >= 3 else { return 0 }
        var sum = 0.0
        for i in mapped.indices {
            let p = mapped[i], q = mapped[(i + 1) % mapped.count]
            sum += p.x * q.y - q.x * p.y
        }
        return abs(sum) / 2
    }

    // MARK: - DLT

    /// Indices of the first three collinear points, relative to the spread of the points.
    private static func collinearTriple(_ p: [(Double, Double)]) -> (Int, Int, Int)? {
        var spread = 0.0
        for a in p { for b in p { spread = max(spread, (a.0 - b.0) * (a.0 - b.0) + (a.1 - b.1) * (a.1 - b.1)) } }
        for a in 0..<4 {
            for b in (a + 1)..<4 {
                for c in (b + 1)..<4 {
                    let cross = (p[b].0 - p[a].0) * (p[c].1 - p[a].1) - (p[b].1 - p[a].1) * (p[c].0 - p[a].0)
                    if abs(cross) <= 1e-6 * spread { return (a, b, c) }
                }
            }
        }
        return nil
    }

    /// Similarity (row-major 3×3) moving the points' centroid to the origin and their mean
    /// distance from it to √2 (Hartley normalisation), and its inverse.
    private static func normalisation(_ p: [(Double, Double)]) -> (forward: [Double], inverse: [Double]) {
        let cx = p.map(\.0).reduce(0, +) / Double(p.count), cy = p.map(\.1).reduce(0, +) / Double(p.count)
        let mean =
            p.map { (($0.0 - cx) * ($0.0 - cx) + ($0.1 - cy) * ($0.1 - cy)).squareRoot() }.reduce(0, +)
            / Double(p.count)
        let s = 2.0.squareRoot() / mean
        return ([s, 0, -s * cx, 0, s, -s * cy, 0, 0, 1], [1 / s, 0, cx, 0, 1 / s, cy, 0, 0, 1])
    }

    private static func apply(_ m: [Double], _ p: (Double, Double)) -> (Double, Double) {
        let w = m[6] * p.0 + m[7] * p.1 + m[8]
        return ((m[0] * p.0 + m[1] * p.1 + m[2]) / w, (m[3] * p.0 + m[4] * p.1 + m[5]) / w)
    }

    static func multiply(_ a: [Double], _ b: [Double]) -> [Double] {
        var r = [Double](repeating: 0, count: 9)
        for i in 0..<3 { for j in 0..<3 { for k in 0..<3 { r[i * 3 + j] += a[i * 3 + k] * b[k * 3 + j] } } }
        return r
    }

    /// The homography mapping `src[i]` to `dst[i]` (four pairs), or nil when singular.
    static func dlt(from src: [(Double, Double)], to dst: [(Double, Double)]) -> [Double]? {
        let ts = normalisation(src), td = normalisation(dst)
        let s = src.map { apply(ts.forward, $0) }, d = dst.map { apply(td.forward, $0) }
        // For each pair (u, v) → (x, y), two rows of M·h = 0 (h = the 9 entries, row-major):
        //   h11 u + h12 v + h13 − h31 u x − h32 v x − h33 x = 0
        //   h21 u + h22 v + h23 − h31 u y − h32 v y − h33 y = 0
        var m = [Double](repeating: 0, count: 72)
        for i in 0..<4 {
            let (u, v) = s[i], (x, y) = d[i]
            let r0 = 2 * i * 9, r1 = (2 * i + 1) * 9
            m[r0 + 0] = u; m[r0 + 1] = v; m[r0 + 2] = 1; m[r0 + 6] = -u * x; m[r0 + 7] = -v * x; m[r0 + 8] = -x
            m[r1 + 3] = u; m[r1 + 4] = v; m[r1 + 5] = 1; m[r1 + 6] = -u * y; m[r1 + 7] = -v * y; m[r1 + 8] = -y
        }
        // Fix one entry to 1 and solve the 8×8 system for the others: h33 first (the usual
        // choice), another entry when h33 is zero (the centroid of the image points maps to
        // infinity, as when the quadrilaterals are in different orders).
        var normalised: [Double]? = nil
        for fixed in [8, 0, 4, 1, 3, 2, 5, 6, 7] {
            var a = [Double](repeating: 0, count: 64), b = [Double](repeating: 0, count: 8)
            for row in 0..<8 {
                var col = 0
                for k in 0..<9 where k != fixed {
                    a[row * 8 + col] = m[row * 9 + k]
                    col += 1
                }
                b[row] = -m[row * 9 + fixed]
            }
            if var h = solveLinearSystem(a, b, size: 8) {
                h.insert(1, at: fixed)
                normalised = h
                break
            }
        }
        guard let normalised else { return nil }
        return multiply(td.inverse, multiply(normalised, ts.forward))
    }

    /// Coding keys for a field suffix such as `[2].image.x`.
    private static func keys(_ suffix: String) -> [any CodingKey] {
        var keys: [any CodingKey] = []
        var rest = Substring(suffix)
        while !rest.isEmpty {
            if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
                keys.append(IndexKey(Int(rest[rest.index(after: rest.startIndex)..<close]) ?? 0))
                rest = rest[rest.index(after: close)...]
            } else {
                if rest.hasPrefix(".") { rest = rest.dropFirst() }
                let end = rest.firstIndex { $0 == "." || $0 == "[" } ?? rest.endIndex
                keys.append(AnyKey(String(rest[..<end])))
                rest = rest[end...]
            }
        }
        return keys
    }
}

/// An array index as a coding key.
struct IndexKey: CodingKey {
    var intValue: Int?
    var stringValue: String { "Index \(intValue ?? 0)" }
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}

/// Solves the n×n system a·x = b (a row-major) by Gaussian elimination with partial
/// pivoting; nil when a pivot is (numerically) zero.
func solveLinearSystem(_ a: [Double], _ b: [Double], size n: Int) -> [Double]? {
    precondition(
        a.count == n * n && b.count == n, "solveLinearSystem: a has \(a.count) entries, b \(b.count), n = \(n)")
    var m = a, r = b
    let scale = a.map(abs).max() ?? 0
    guard scale > 0 else { return nil }
    for col in 0..<n {
        var pivot = col
        for row in (col + 1)..<n where abs(m[row * n + col]) > abs(m[pivot * n + col]) { pivot = row }
        guard abs(m[pivot * n + col]) > 1e-12 * scale else { return nil }
        if pivot != col {
            for k in 0..<n { m.swapAt(col * n + k, pivot * n + k) }
            r.swapAt(col, pivot)
        }
        let p = m[col * n + col]
        for row in (col + 1)..<n {
            let f = m[row * n + col] / p
            if f == 0 { continue }
            for k in col..<n { m[row * n + k] -= f * m[col * n + k] }
            r[row] -= f * r[col]
        }
    }
    var x = [Double](repeating: 0, count: n)
    for row in stride(from: n - 1, through: 0, by: -1) {
        var s = r[row]
        for k in (row + 1)..<n { s -= m[row * n + k] * x[k] }
        x[row] = s / m[row * n + row]
    }
    return x
}
