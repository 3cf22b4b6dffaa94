import Foundation

/// Something done to the camera rather than to the scene: covered, blinded, defocused, frozen,
/// knocked aside or panned. The simulator applies effects to the composed image (scene, actors
/// and lights), in this order: freeze (the whole frame, noise included, repeats), view offset
/// (shift, pan), defocus, cover or blind; sensor noise is added last, as on a real sensor.
///
/// Times are seconds of stream time; an effect holds for `from <= t < until`. Ground truth stays
/// in scene coordinates: a shifted or panned view does not move the truth boxes.
public struct CameraEffect: Sendable, Hashable {
    /// What happens to the camera.
    public enum Kind: Sendable, Hashable {
        /// A hand or cloth on the lens: a nearly uniform image of mean luma `luma` with faint,
        /// blurred texture.
        case cover(luma: Double)
        /// A torch or laser in the lens: the image floods to `luma` (250: saturated), with a
        /// little falloff towards the corners.
        case blind(luma: Double)
        /// The lens out of focus: a box blur of the composed image, `radius` pixels each way.
        case defocus(radius: Int)
        /// The picture stops: every frame repeats the one at `from` exactly (noise included);
        /// only timestamps advance.
        case freeze
        /// The view jumps by (`dx`, `dy`), normalised image units (a fraction of the width and
        /// height; positive: the camera turned right or down, so the scene slides left or up),
        /// and stays there until `until`.
        case shift(dx: Double, dy: Double)
        /// A slow pan: the view moves at (`dxPerSecond`, `dyPerSecond`) normalised units per
        /// second from `from` to `until`, and stays where it got to.
        case pan(dxPerSecond: Double, dyPerSecond: Double)
    }

    /// What happens.
    public var kind: Kind
    /// Start, seconds.
    public var from: Double
    /// End, seconds (infinity: never).
    public var until: Double

    /// An effect of `kind` from `from` until `until` seconds.
    public init(_ kind: Kind, from: Double, until: Double = .infinity) {
        precondition(until > from, "camera effect must end after it starts, got \(from)…\(until)")
        if case let .defocus(radius) = kind { precondition(radius >= 1, "defocus radius must be ≥ 1, got \(radius)") }
        self.kind = kind
        self.from = from
        self.until = until
    }

    /// Whether the effect holds at `t`.
    public func isActive(at t: Double) -> Bool { t >= from && t < until }

    /// The view offset this effect adds at `t`, normalised units.
    func offset(at t: Double) -> (x: Double, y: Double) {
        switch kind {
        case let .shift(dx, dy): isActive(at: t) ? (dx, dy) : (0, 0)
        case let .pan(vx, vy):
            t < from ? (0, 0) : (vx * (min(t, until) - from), vy * (min(t, until) - from))
        default: (0, 0)
        }
    }
}

extension SceneSimulator {
    /// The frame time and number to render at `t` (frame `number`): those of the frame where an
    /// active freeze began, or `t` and `number` themselves.
    func frozenSource(at t: Double, number: Int) -> (t: Double, number: Int)? {
        guard let freeze = scene.cameraEffects.first(where: { $0.kind == .freeze && $0.isActive(at: t) }) else {
            return nil
        }
        let fps = scene.framesPerSecond
        let index = max(0, Int((freeze.from * fps - 1e-9).rounded(.up)))  // first frame at or after `from`
        let sourceTime = Double(index) / fps
        guard sourceTime < t else { return nil }  // the first frozen frame is rendered normally
        return (sourceTime, index + 1)  // numbered as `nextWithTruth()` numbers frames
    }

    /// Applies the view offset, defocus, cover and blind effects active at `t` to the composed image.
    func applyCameraEffects(at t: Double, luma y: inout [Double], cb: inout [UInt8], cr: inout [UInt8]) {
        let effects = scene.cameraEffects
        guard !effects.isEmpty else { return }
        let w = scene.width, h = scene.height
        var ox = 0.0, oy = 0.0
        for e in effects {
            let o = e.offset(at: t)
            ox += o.x
            oy += o.y
        }
        if ox != 0 || oy != 0 {
            let sx = Int((ox * Double(w)).rounded()), sy = Int((oy * Double(h)).rounded())
            if sx != 0 || sy != 0 {
                y = resampled(y, width: w, height: h, dx: sx, dy: sy)
                cb = resampled(cb, width: w / 2, height: h / 2, dx: sx / 2, dy: sy / 2)
                cr = resampled(cr, width: w / 2, height: h / 2, dx: sx / 2, dy: sy / 2)
            }
        }
        for e in effects where e.isActive(at: t) {
            switch e.kind {
            case let .defocus(radius): y = boxBlurred(y, width: w, height: h, radius: radius)
            case let .cover(luma):
                for yy in 0..<h {
                    for x in 0..<w {
                        // Faint, smooth folds of the cloth.
                        let fold = 3 * sin(Double(x) * 0.05 + Double(yy) * 0.03) + 2 * sin(Double(yy) * 0.07)
                        y[yy * w + x] = luma + fold
                    }
                }
                for i in cb.indices { cb[i] = 126; cr[i] = 130 }
            case let .blind(luma):
                for yy in 0..<h {
                    for x in 0..<w {
                        let dx = (Double(x) / Double(w) - 0.5) * 2, dy = (Double(yy) / Double(h) - 0.5) * 2
                        y[yy * w + x] = luma - 12 * (dx * dx + dy * dy)
                    }
                }
                for i in cb.indices { cb[i] = 128; cr[i] = 128 }
            case .freeze, .shift, .pan: break
            }
        }
    }
}

/// `image` seen through a view offset by (`dx`, `dy`) pixels: out(x, y) = image(x + dx, y + dy),
/// mirrored at the borders (the world continues as its reflection, so no flat smear appears).
private func resampled<T>(_ image: [T], width: Int, height: Int, dx: Int, dy: Int) -> [T] {
    func mirror(_ v: Int, _ n: Int) -> Int {
        let period = 2 * n
        var m = v % period
        if m < 0 { m += period }
        return m < n ? m : period - 1 - m
    }
    var out = image
    for y in 0..<height {
        let sy = mirror(y + dy, height)
        for x in 0..<width { out[y * width + x] = image[sy * width + mirror(x + dx, width)] }
    }
    return out
}

/// A (2r+1)² box blur with edge replication, by two separable passes.
private func boxBlurred(_ image: [Double], width: Int, height: Int, radius r: Int) -> [Double] {
    var horizontal = image
    let n = Double(2 * r + 1)
    for y in 0..<height {
        for x in 0..<width {
            var s = 0.0
            for k in -r...r { s += image[y * width + min(width - 1, max(0, x + k))] }
            horizontal[y * width + x] = s / n
        }
    }
    var out = horizontal
    for y in 0..<height {
        for x in 0..<width {
            var s = 0.0
            for k in -r...r { s += horizontal[min(height - 1, max(0, y + k)) * width + x] }
            out[y * width + x] = s / n
        }
    }
    return out
}
