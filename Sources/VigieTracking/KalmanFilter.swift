import VigieCore

/// One axis of a constant-velocity Kalman filter: state (position, velocity), covariance
/// `[[p00, p01], [p01, p11]]`, process noise of a continuous white acceleration.
///
/// Units follow the axis: pixels and pixels per second for a position, seconds for `dt`.
struct AxisFilter: Sendable, Hashable {
    var position: Double
    var velocity: Double
    var p00: Double, p01: Double, p11: Double

    init(position: Double, positionVariance: Double, velocityVariance: Double) {
        self.position = position
        self.velocity = 0
        p00 = positionVariance
        p01 = 0
        p11 = velocityVariance
    }

    /// x ← F x, P ← F P Fᵀ + Q with F = [[1, dt], [0, 1]] and
    /// Q = q [[dt³/3, dt²/2], [dt²/2, dt]] (q: acceleration noise density, units²/s³).
    mutating func predict(dt: Double, accelerationNoise q: Double) {
        position += velocity * dt
        let dt2 = dt * dt
        let n00 = p00 + 2 * dt * p01 + dt2 * p11 + q * dt2 * dt / 3
        let n01 = p01 + dt * p11 + q * dt2 / 2
        let n11 = p11 + q * dt
        p00 = n00; p01 = n01; p11 = n11
    }

    /// Variance of the innovation of a position measurement with noise variance `r`: H P Hᵀ + R.
    func innovationVariance(measurementNoise r: Double) -> Double { p00 + r }

    /// Update with a position measurement `z` of noise variance `r`:
    /// K = P Hᵀ / (H P Hᵀ + r), x ← x + K (z − H x), P ← (I − K H) P, with H = [1, 0].
    mutating func update(measurement z: Double, measurementNoise r: Double) {
        let s = p00 + r
        let k0 = p00 / s, k1 = p01 / s
        let innovation = z - position
        position += k0 * innovation
        velocity += k1 * innovation
        let n00 = (1 - k0) * p00
        let n01 = (1 - k0) * p01
        let n11 = p11 - k1 * p01
        p00 = n00; p01 = n01; p11 = n11
    }

    /// Caps the variances (a long-coasting track's uncertainty stops growing).
    mutating func capVariance(position maxPosition: Double, velocity maxVelocity: Double) {
        if p00 > maxPosition { let f = (maxPosition / p00).squareRoot(); p00 = maxPosition; p01 *= f }
        if p11 > maxVelocity { let f = (maxVelocity / p11).squareRoot(); p11 = maxVelocity; p01 *= f }
    }
}

/// The constant-velocity Kalman filter of a track's box: state
/// `[x, y, w, h, ẋ, ẏ, ẇ, ḣ]` with (x, y) the foot point (middle of the bottom edge) and
/// (w, h) the size, in pixels and pixels per second; the measurement is `[x, y, w, h]`.
///
/// The four axes are independent in the model: F, Q, H and R are block diagonal per axis, so a
/// covariance that starts block diagonal stays so, and the 8-state filter is computed exactly as
/// four 2-state filters (`AxisFilter`) in closed-form 2x2 algebra, with the same numbers as the
/// full 8x8 matrix products at a small fraction of the work and without any allocation.
///
/// Noise scales with the box height, so one setting suits near and far objects.
struct BoxFilter: Sendable, Hashable {
    var x: AxisFilter, y: AxisFilter, w: AxisFilter, h: AxisFilter

    /// A filter at a measured box (foot point and size), at rest, with the uncertainty of one measurement.
    init(footX: Double, footY: Double, width: Double, height: Double, measurementNoise: Double) {
        let r = (measurementNoise * height) * (measurementNoise * height)
        let v = (0.5 * height) * (0.5 * height)  // an unknown walking speed: about half a height per second
        x = AxisFilter(position: footX, positionVariance: r, velocityVariance: v)
        y = AxisFilter(position: footY, positionVariance: r, velocityVariance: v)
        w = AxisFilter(position: width, positionVariance: 4 * r, velocityVariance: v / 16)
        h = AxisFilter(position: height, positionVariance: 4 * r, velocityVariance: v / 16)
    }

    /// Advances by `dt` seconds. Accelerations in box heights per second squared.
    mutating func predict(dt: Double, acceleration: Double, sizeChange: Double) {
        let height = max(h.position, 4)
        let q = (acceleration * height) * (acceleration * height)
        let qs = (sizeChange * height) * (sizeChange * height)
        x.predict(dt: dt, accelerationNoise: q)
        y.predict(dt: dt, accelerationNoise: q)
        w.predict(dt: dt, accelerationNoise: qs)
        h.predict(dt: dt, accelerationNoise: qs)
        let maxPosition = (0.75 * height) * (0.75 * height), maxVelocity = (2 * height) * (2 * height)
        x.capVariance(position: maxPosition, velocity: maxVelocity)
        y.capVariance(position: maxPosition, velocity: maxVelocity)
        w.capVariance(position: maxPosition, velocity: maxVelocity / 16)
        h.capVariance(position: maxPosition, velocity: maxVelocity / 16)
    }

    /// Corrects with a measured box; `noise` is the position noise as a fraction of the height.
    mutating func update(footX: Double, footY: Double, width: Double, height: Double, noise: Double) {
        let sigma = noise * max(height, 4)
        let r = sigma * sigma
        x.update(measurement: footX, measurementNoise: r)
        y.update(measurement: footY, measurementNoise: r)
        w.update(measurement: width, measurementNoise: 4 * r)
        h.update(measurement: height, measurementNoise: 4 * r)
    }

    /// The estimated box.
    var box: Box {
        let width = max(w.position, 1), height = max(h.position, 1)
        return Box(x0: x.position - width / 2, y0: y.position - height, x1: x.position + width / 2, y1: y.position)
    }

    /// Stops the motion (a track that stood still before it vanished).
    mutating func stop() {
        x.velocity = 0; y.velocity = 0; w.velocity = 0; h.velocity = 0
    }
}

/// An axis-aligned box with continuous edges, in pixels.
struct Box: Sendable, Hashable {
    var x0: Double, y0: Double, x1: Double, y1: Double

    init(x0: Double, y0: Double, x1: Double, y1: Double) {
        self.x0 = x0; self.y0 = y0; self.x1 = x1; self.y1 = y1
    }

    init(_ r: PixelRect) {
        self.init(x0: Double(r.x), y0: Double(r.y), x1: Double(r.x + r.width), y1: Double(r.y + r.height))
    }

    var width: Double { x1 - x0 }
    /// The nearest whole-pixel rectangle (at least 1 x 1).
    var rounded: PixelRect {
        let left = Int(x0.rounded()), top = Int(y0.rounded())
        return PixelRect(x: left, y: top, width: max(Int(x1.rounded()) - left, 1), height: max(Int(y1.rounded()) - top, 1))
    }
    var height: Double { y1 - y0 }
    var area: Double { max(width, 0) * max(height, 0) }
    var centreX: Double { (x0 + x1) / 2 }
    var centreY: Double { (y0 + y1) / 2 }

    func intersection(_ o: Box) -> Double {
        let w = min(x1, o.x1) - max(x0, o.x0), h = min(y1, o.y1) - max(y0, o.y0)
        return w > 0 && h > 0 ? w * h : 0
    }

    /// Intersection over union, 0…1.
    func iou(_ o: Box) -> Double {
        let i = intersection(o)
        let u = area + o.area - i
        return u > 0 ? i / u : 0
    }

    /// Fraction of this box's area inside `o`, 0…1.
    func fractionInside(_ o: Box) -> Double {
        let a = area
        return a > 0 ? intersection(o) / a : 0
    }

    /// The fraction of this box covered by `boxes` together (their union, each part counted once).
    func fractionCovered(by boxes: [Box]) -> Double {
        let a = area
        guard a > 0 else { return 0 }
        let clipped = boxes.compactMap { b -> Box? in
            let c = Box(x0: max(x0, b.x0), y0: max(y0, b.y0), x1: min(x1, b.x1), y1: min(y1, b.y1))
            return c.x1 > c.x0 && c.y1 > c.y0 ? c : nil
        }
        guard !clipped.isEmpty else { return 0 }
        // Slabs between consecutive x edges; in each, the union of the covering y intervals.
        let xs = Array(Set(clipped.flatMap { [$0.x0, $0.x1] })).sorted()
        var covered = 0.0
        for (left, right) in zip(xs, xs.dropFirst()) {
            let spans = clipped.filter { $0.x0 <= left && $0.x1 >= right }.map { ($0.y0, $0.y1) }.sorted { $0.0 < $1.0 }
            var length = 0.0
            var current: (top: Double, bottom: Double)?
            for (y0, y1) in spans {
                if let c = current, y0 <= c.bottom {
                    current = (c.top, max(c.bottom, y1))
                } else {
                    if let c = current { length += c.bottom - c.top }
                    current = (y0, y1)
                }
            }
            if let c = current { length += c.bottom - c.top }
            covered += length * (right - left)
        }
        return covered / a
    }

    func union(_ o: Box) -> Box {
        Box(x0: min(x0, o.x0), y0: min(y0, o.y0), x1: max(x1, o.x1), y1: max(y1, o.y1))
    }
}
