import Foundation
import VigieCore
import VigieKernels

/// A light in a simulated scene: a flame, a blinking beacon, a lit sign, headlights, or a patch
/// of reflected light on a wet floor. It is drawn over the background and the actors, and is not
/// an actor: it has no ground-truth object, only its own extent (``SceneSimulator/lightBoxes(at:)``).
public struct SimulatedLight: Sendable, Hashable {
    /// How the light changes over time.
    public enum Pattern: Sendable, Hashable {
        /// Constant (a lit sign, a reflection, a lamp).
        case steady
        /// On and off periodically (an emergency-vehicle beacon): `hertz` cycles per second,
        /// on for the `duty` fraction of each cycle.
        case blinking(hertz: Double, duty: Double)
        /// A flame: irregular flicker of its height and edges (no single frequency), tongues
        /// rising, and the base widening by `growthPerSecond` (fraction of its width per second).
        case flame(growthPerSecond: Double)
    }

    /// Extent in normalised image coordinates at `from`; a flame's base is its bottom edge.
    public var region: NormalisedRect
    /// Colour: luma and chroma.
    public var luma: UInt8
    /// Blue-difference chroma.
    public var cb: UInt8
    /// Red-difference chroma.
    public var cr: UInt8
    /// 0…1: how much of the light replaces what is under it (1 opaque; 0.3 a faint reflection).
    public var opacity: Double
    /// How it changes over time.
    public var pattern: Pattern
    /// When it appears, seconds.
    public var from: Double
    /// When it disappears, seconds (infinity: never).
    public var until: Double
    /// Movement of the region, normalised units per second (headlights passing); zero: fixed.
    public var velocity: NormalisedPoint

    /// A light; `from` 0 and `until` infinity by default.
    public init(region: NormalisedRect, luma: UInt8, cb: UInt8, cr: UInt8, opacity: Double = 1,
                pattern: Pattern = .steady, from: Double = 0, until: Double = .infinity,
                velocity: NormalisedPoint = NormalisedPoint(x: 0, y: 0)) {
        precondition(opacity >= 0 && opacity <= 1, "light opacity must be in 0…1, got \(opacity)")
        self.region = region
        self.luma = luma
        self.cb = cb
        self.cr = cr
        self.opacity = opacity
        self.pattern = pattern
        self.from = from
        self.until = until
        self.velocity = velocity
    }

    /// A fire-coloured flame (yellow-orange core, red edges) growing from `region`'s bottom.
    public static func flame(_ region: NormalisedRect, from: Double = 0, until: Double = .infinity,
                             growthPerSecond: Double = 0.02) -> SimulatedLight {
        SimulatedLight(region: region, luma: 225, cb: 80, cr: 178, pattern: .flame(growthPerSecond: growthPerSecond),
                       from: from, until: until)
    }

    /// The region at time `t` (moved by `velocity`), or nil when the light is absent or off.
    public func region(at t: Double) -> NormalisedRect? {
        guard t >= from, t < until else { return nil }
        if case let .blinking(hertz, duty) = pattern {
            let phase = ((t - from) * hertz).truncatingRemainder(dividingBy: 1)
            if phase >= duty { return nil }
        }
        var r = region
        r.x += velocity.x * (t - from)
        r.y += velocity.y * (t - from)
        if case let .flame(growth) = pattern {
            let grown = r.width * (1 + growth * (t - from))
            r.x -= (grown - r.width) / 2
            r.width = grown
            let tall = r.height * (1 + growth * (t - from))
            r.y -= tall - r.height
            r.height = tall
        }
        return r
    }
}

extension SceneSimulator {
    /// The pixel extent of each light present at `t` (in `scene.lights` order; nil when absent or off).
    public func lightBoxes(at t: Double) -> [PixelRect?] {
        scene.lights.map { light in
            light.region(at: t).map { pixelRect($0) }
        }
    }

    func pixelRect(_ r: NormalisedRect) -> PixelRect {
        let w = Double(scene.width), h = Double(scene.height)
        let x0 = max(0, Int((r.x * w).rounded(.down))), y0 = max(0, Int((r.y * h).rounded(.down)))
        let x1 = min(scene.width, Int(((r.x + r.width) * w).rounded(.up)))
        let y1 = min(scene.height, Int(((r.y + r.height) * h).rounded(.up)))
        return PixelRect(x: x0, y: y0, width: max(0, x1 - x0), height: max(0, y1 - y0))
    }

    /// Draws the lights present at `t` over the composed frame (luma as Doubles, chroma bytes).
    func drawLights(at t: Double, number: Int, luma y: inout [Double], cb: inout [UInt8], cr: inout [UInt8]) {
        let w = scene.width
        for (index, light) in scene.lights.enumerated() {
            guard let region = light.region(at: t) else { continue }
            let box = pixelRect(region)
            guard box.width > 0, box.height > 0 else { continue }
            var rng = SplitMix64(seed: scene.seed &* 0x51ED &+ UInt64(index) &* 7919 &+ UInt64(number))
            // A flame's height and brightness waver irregularly: incommensurate tones plus
            // per-frame noise, so no single frequency dominates (real flames flicker at 1–15 Hz
            // with a broad spectrum). Each light has its own phases.
            var heightScale = 1.0, brightness = 1.0
            if case .flame = light.pattern {
                let s = t * 2 * .pi, p = Double(index) * 1.3
                let tones: Double = 0.1 * sin(s * 1.7 + p) + 0.07 * sin(s * 4.3 + 1 + p) + 0.05 * sin(s * 9.1 + 2 + p)
                let jitter: Double = 0.08 * (Double(rng.next() % 1000) / 1000 - 0.5)
                heightScale = 0.72 + tones + jitter
                let glow: Double = 0.06 * sin(s * 2.9 + 0.5 + p) + 0.05 * sin(s * 6.1 + 2.2 + p)
                brightness = 0.88 + glow + 0.12 * (Double(rng.next() % 1000) / 1000 - 0.5)
            }
            let a = light.opacity
            for yy in box.y..<(box.y + box.height) {
                let v = Double(yy - box.y) / Double(box.height)  // 0 top, 1 bottom
                for x in box.x..<(box.x + box.width) {
                    let u = Double(x - box.x) / Double(box.width)
                    var alpha = a
                    var luma = Double(light.luma)
                    if case .flame = light.pattern {
                        // Tongue profile: tallest in the middle, ragged edges that change each frame.
                        let column = 1 - abs(u - 0.5) * 2
                        let ragged = 0.85 + 0.3 * Double(rng.next() % 1000) / 1000
                        let reach = heightScale * column.squareRoot() * ragged
                        guard 1 - v <= reach else { continue }
                        // Hotter (brighter, yellower) at the base and the core.
                        luma = (Double(light.luma) * (0.8 + 0.2 * v) + 12 * column) * brightness
                        alpha = 1
                    }
                    let i = yy * w + x
                    y[i] = y[i] * (1 - alpha) + luma * alpha
                    let c = (yy / 2) * (w / 2) + x / 2
                    cb[c] = UInt8((Double(cb[c]) * (1 - alpha) + Double(light.cb) * alpha).rounded())
                    cr[c] = UInt8((Double(cr[c]) * (1 - alpha) + Double(light.cr) * alpha).rounded())
                }
            }
        }
    }
}
