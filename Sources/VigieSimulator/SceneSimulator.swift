import Foundation
import VigieCore
import VigieIO
import VigieKernels

/// What is really in a simulated frame: the ground truth a test scores against.
public struct GroundTruth: Sendable {
    /// One actor as drawn in the frame.
    public struct Object: Sendable, Hashable {
        /// The actor's id.
        public var id: Int
        /// The actor's kind.
        public var kind: ActorKind
        /// Drawn extent, pixels.
        public var box: PixelRect
        /// Foot point (bottom centre), normalised image coordinates.
        public var footPoint: NormalisedPoint
    }

    /// The actors visible in the frame.
    public var objects: [Object]
    /// Pixels covered by actors (shadows excluded), 255.
    public var mask: Mask
}

/// Renders a `SimulatedScene` frame by frame: a textured background with sensor noise and
/// illumination changes, actors as textured shapes (people with swinging legs, vehicles, objects),
/// optional shadows, and the ground truth of each frame.
///
/// Also a `FrameSource` (kind `.simulated`), so the whole chain consumes it like a camera.
public struct SceneSimulator: FrameSource {
    /// The scene being rendered.
    public let scene: SimulatedScene
    /// `simulated scene (seed N)`.
    public var name: String { "simulated scene (seed \(scene.seed))" }
    /// Always `.simulated`.
    public var kind: InputKind { .simulated }
    /// Ground truth of the frame last returned by `next()` or `nextWithTruth()`.
    public private(set) var lastTruth: GroundTruth?

    private var index = 0
    private let backgroundLuma: [UInt8]
    private let backgroundCb: [UInt8], backgroundCr: [UInt8]

    /// A simulator at the start of `scene`.
    public init(_ scene: SimulatedScene) {
        self.scene = scene
        var rng = SplitMix64(seed: scene.seed)
        let w = scene.width, h = scene.height
        // A floor of large tiles, a gradient and fine texture: structure for the models to learn.
        var luma = [UInt8](repeating: 0, count: w * h)
        let tile = max(4, w / 12)
        for y in 0..<h {
            for x in 0..<w {
                let gradient = 95.0 + 50.0 * Double(y) / Double(h)
                let tiles = ((x / tile) + (y / tile)) % 2 == 0 ? 6.0 : -6.0
                let grain = Double(Int(rng.next() % 13) - 6)
                luma[y * w + x] = UInt8(max(0, min(255, gradient + tiles + grain)))
            }
        }
        backgroundLuma = luma
        let cw = w / 2, ch = h / 2
        backgroundCb = (0..<cw * ch).map { i in UInt8(118 + (i % cw) * 6 / max(cw, 1)) }
        backgroundCr = (0..<cw * ch).map { i in UInt8(132 + (i / cw) * 6 / max(ch, 1)) }
    }

    /// The next frame, or nil after the scene's duration.
    public mutating func next() throws(FrameSourceError) -> Frame? { nextWithTruth()?.frame }

    /// The next frame with its ground truth, or nil after the scene's duration.
    public mutating func nextWithTruth() -> (frame: Frame, truth: GroundTruth)? {
        guard index < scene.frameCount else { return nil }
        let t = Double(index) / scene.framesPerSecond
        index += 1
        let (frame, truth) = render(at: t, number: index)
        lastTruth = truth
        return (frame, truth)
    }

    /// Renders the scene at time `t` seconds (frame `number`), independent of iteration.
    public func render(at t: Double, number: Int) -> (Frame, GroundTruth) {
        if let source = frozenSource(at: t, number: number) {  // a frozen camera repeats a frame exactly
            var (frame, truth) = render(at: source.t, number: source.number)
            frame.timestamp = Timestamp(seconds: t)
            frame.number = number
            return (frame, truth)
        }
        let w = scene.width, h = scene.height
        var gain = 1 + (scene.finalGain - 1) * t / scene.duration
        for s in scene.lightSwitches where s.time <= t { gain *= s.gain }
        var rng = SplitMix64(seed: scene.seed &* 0x9E37 &+ UInt64(number))
        var y = [Double](repeating: 0, count: w * h)
        for i in 0..<(w * h) { y[i] = Double(backgroundLuma[i]) * gain }
        var cb = backgroundCb, cr = backgroundCr
        var covered = [Bool](repeating: false, count: w * h)
        var objects: [GroundTruth.Object] = []

        // Shadows first, under everything.
        for actor in scene.actors where actor.castsShadow {
            guard let p = actor.position(at: t) else { continue }
            let hh = actor.height(at: t) * Double(h), ww = hh * actor.aspect(at: t)
            let cx = p.x * Double(w) + ww * 0.45, cy = p.y * Double(h) - hh * 0.04
            let rx = ww * 0.75, ry = max(2, hh * 0.12)
            forEachPixel(inX: cx - rx, cx + rx, y: cy - ry, cy + ry) { x, yy in
                let dx = (Double(x) + 0.5 - cx) / rx, dy = (Double(yy) + 0.5 - cy) / ry
                if dx * dx + dy * dy <= 1 { y[yy * w + x] *= 0.62 }
            }
        }
        for actor in scene.actors {
            guard let p = actor.position(at: t) else { continue }
            let hh = max(2, actor.height(at: t) * Double(h)), ww = max(2, hh * actor.aspect(at: t))
            let left = p.x * Double(w) - ww / 2, top = p.y * Double(h) - hh
            let walked = walkedDistance(actor, at: t) * Double(w)
            var minX = w, minY = h, maxX = -1, maxY = -1
            forEachPixel(inX: left, left + ww, y: top, top + hh) { x, yy in
                let u = (Double(x) + 0.5 - left) / ww, v = (Double(yy) + 0.5 - top) / hh
                guard inside(actor.kind, u: u, v: v, phase: walked / max(hh * 0.35, 1), lying: actor.aspect(at: t) > 1.2 && actor.kind == .person) else { return }
                // Texture fixed to the actor: high detail that moves with it.
                let tx = Int((u * 64).rounded(.down)), ty = Int((v * 64).rounded(.down))
                var hash = SplitMix64(seed: UInt64(actor.id) &* 1_000_003 &+ UInt64(bitPattern: Int64(tx &* 131 &+ ty)))
                let detail = Double(Int(hash.next() % 61) - 30)
                let band = actor.kind == .vehicle && v > 0.15 && v < 0.45 ? -35.0 : 0
                y[yy * w + x] = (actor.luma + detail + band) * gain
                covered[yy * w + x] = true
                cb[(yy / 2) * (w / 2) + x / 2] = actor.chroma.cb
                cr[(yy / 2) * (w / 2) + x / 2] = actor.chroma.cr
                minX = min(minX, x); maxX = max(maxX, x); minY = min(minY, yy); maxY = max(maxY, yy)
            }
            if maxX >= minX {
                objects.append(GroundTruth.Object(id: actor.id, kind: actor.kind,
                                                  box: PixelRect(x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1),
                                                  footPoint: p))
            }
        }
        drawLights(at: t, number: number, luma: &y, cb: &cb, cr: &cr)
        applyCameraEffects(at: t, luma: &y, cb: &cb, cr: &cr)
        var lumaBytes = [UInt8](repeating: 0, count: w * h)
        for i in 0..<(w * h) {
            let n = scene.noise > 0 ? gaussian(&rng) * scene.noise : 0
            lumaBytes[i] = UInt8(max(0, min(255, (y[i] + n).rounded())))
        }
        let frame = try! Frame(luma: Plane(width: w, height: h, copying: lumaBytes),
                               cb: Plane(width: w / 2, height: h / 2, copying: cb),
                               cr: Plane(width: w / 2, height: h / 2, copying: cr),
                               timestamp: Timestamp(seconds: t), number: number)
        var mask = Mask(width: w, height: h)
        mask.withMutablePixels { m in
            for yy in 0..<h { for x in 0..<w where covered[yy * w + x] { m[x, yy] = 255 } }
        }
        return (frame, GroundTruth(objects: objects, mask: mask))
    }

    private func forEachPixel(inX x0: Double, _ x1: Double, y y0: Double, _ y1: Double, _ body: (Int, Int) -> Void) {
        let xa = max(0, Int(x0.rounded(.down))), xb = min(scene.width - 1, Int(x1.rounded(.up)))
        let ya = max(0, Int(y0.rounded(.down))), yb = min(scene.height - 1, Int(y1.rounded(.up)))
        guard xa <= xb, ya <= yb else { return }
        for yy in ya...yb { for x in xa...xb { body(x, yy) } }
    }

    /// Path length travelled up to `t`, normalised units (drives the legs' swing).
    private func walkedDistance(_ actor: Actor, at t: Double) -> Double {
        var total = 0.0
        for (a, b) in zip(actor.path, actor.path.dropFirst()) where a.time < t {
            let f = min(1, (t - a.time) / max(b.time - a.time, 1e-9))
            let dx = b.position.x - a.position.x, dy = b.position.y - a.position.y
            total += (dx * dx + dy * dy).squareRoot() * f
        }
        return total
    }
}

/// Whether normalised box coordinates (u across, v down, 0…1) are inside an actor's shape.
func inside(_ kind: ActorKind, u: Double, v: Double, phase: Double, lying: Bool) -> Bool {
    switch kind {
    case .person:
        if lying {  // on the ground: head at the left, body along the box
            let du = (u - 0.1) / 0.1, dv = (v - 0.5) / 0.45
            return du * du + dv * dv <= 1 || (u > 0.18 && u < 0.98 && v > 0.15 && v < 0.9)
        }
        let headU = (u - 0.5) / 0.28, headV = (v - 0.1) / 0.1
        if headU * headU + headV * headV <= 1 { return true }
        if v >= 0.19 && v < 0.6 { return u > 0.12 && u < 0.88 }  // torso and arms
        if v >= 0.6 {  // legs swing in opposite directions
            let swing = 0.14 * sin(phase) * (v - 0.6) / 0.4
            let left = abs(u - (0.32 + swing)) < 0.13, right = abs(u - (0.68 - swing)) < 0.13
            return left || right
        }
        return false
    case .vehicle:
        return v > 0.05 || (u > 0.15 && u < 0.85)
    case .object:
        return true
    case .projectile:
        let du = u - 0.5, dv = v - 0.5
        return du * du + dv * dv <= 0.25
    }
}

/// A standard normal sample (Box–Muller on the seeded generator).
func gaussian(_ rng: inout SplitMix64) -> Double {
    let a = max(Double(rng.next() >> 11) / Double(1 << 53), 1e-12)
    let b = Double(rng.next() >> 11) / Double(1 << 53)
    return (-2 * log(a)).squareRoot() * cos(2 * .pi * b)
}
