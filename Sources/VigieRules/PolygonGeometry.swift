import VigieCore

/// Plane geometry on normalised image points (x right, y down). Internal: the scene
/// validation and the rules share it.
enum PolygonGeometry {
    /// z of (b − a) × (c − a): negative when c is left of a→b as seen on the image (y down),
    /// positive when it is right of it, zero when collinear.
    static func cross(_ a: NormalisedPoint, _ b: NormalisedPoint, _ c: NormalisedPoint) -> Double {
        (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x)
    }

    /// Signed shoelace area (positive for a clockwise polygon as seen on the image), in
    /// normalised units squared.
    static func signedArea(_ polygon: [NormalisedPoint]) -> Double {
        guard polygon.count >= 3 else { return 0 }
        var sum = 0.0
        for i in polygon.indices {
            let p = polygon[i], q = polygon[(i + 1) % polygon.count]
            sum += p.x * q.y - q.x * p.y
        }
        return sum / 2
    }

    /// Whether `c`, collinear with a–b, lies within the segment's bounding box.
    private static func onSegment(_ a: NormalisedPoint, _ b: NormalisedPoint, _ c: NormalisedPoint) -> Bool {
        min(a.x, b.x) <= c.x && c.x <= max(a.x, b.x) && min(a.y, b.y) <= c.y && c.y <= max(a.y, b.y)
    }

    /// Whether the closed segments p1–p2 and p3–p4 share at least one point (crossing,
    /// touching at an end, or overlapping collinearly).
    static func segmentsIntersect(
        _ p1: NormalisedPoint, _ p2: NormalisedPoint, _ p3: NormalisedPoint, _ p4: NormalisedPoint
    ) -> Bool {
        let d1 = sign(cross(p3, p4, p1)), d2 = sign(cross(p3, p4, p2))
        let d3 = sign(cross(p1, p2, p3)), d4 = sign(cross(p1, p2, p4))
        if d1 * d2 < 0 && d3 * d4 < 0 { return true }
        if d1 == 0 && onSegment(p3, p4, p1) { return true }
        if d2 == 0 && onSegment(p3, p4, p2) { return true }
        if d3 == 0 && onSegment(p1, p2, p3) { return true }
        if d4 == 0 && onSegment(p1, p2, p4) { return true }
        return false
    }

    private static func sign(_ v: Double) -> Int { v > 0 ? 1 : (v < 0 ? -1 : 0) }

    /// The first pair of edges (by start index) that makes the polygon non-simple, or nil.
    /// Edge i runs from point i to point i + 1 (wrapping). Non-adjacent edges must not
    /// share any point; adjacent edges must not fold back onto each other.
    static func firstSelfIntersection(_ polygon: [NormalisedPoint]) -> (Int, Int)? {
        let n = polygon.count
        guard n >= 3 else { return nil }
        for i in 0..<n {
            let a = polygon[i], b = polygon[(i + 1) % n], c = polygon[(i + 2) % n]
            // Adjacent edges a→b, b→c folding back: collinear and pointing apart.
            if cross(a, b, c) == 0 && (b.x - a.x) * (c.x - b.x) + (b.y - a.y) * (c.y - b.y) < 0 {
                return (i, (i + 1) % n)
            }
        }
        guard n >= 4 else { return nil }
        for i in 0..<n {
            for j in stride(from: i + 2, to: n, by: 1) where !(i == 0 && j == n - 1) {
                if segmentsIntersect(polygon[i], polygon[(i + 1) % n], polygon[j], polygon[(j + 1) % n]) {
                    return (i, j)
                }
            }
        }
        return nil
    }

    /// Even-odd point-in-polygon test.
    static func contains(_ polygon: [NormalisedPoint], _ p: NormalisedPoint) -> Bool {
        var inside = false
        var j = polygon.count - 1
        for i in polygon.indices {
            let a = polygon[i], b = polygon[j]
            if (a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x {
                inside.toggle()
            }
            j = i
        }
        return inside
    }
}
