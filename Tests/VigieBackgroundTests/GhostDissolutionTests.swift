import Testing
import VigieKernels
@testable import VigieBackground
@testable import VigieCore

/// `AdaptiveBackground.dissolveIfGhost` on the textured scenes of `Scene` (48x36).
@Suite("Ghost dissolution")
struct GhostDissolutionTests {
    static let square = PixelRect(x: 12, y: 10, width: 10, height: 10)

    /// The model after `warm` frames with a bright square learnt as scene, then `after` frames
    /// without it: the last mask and frame.
    static func ghost(after: Int, _ configuration: AdaptiveBackground.Configuration = .init())
        throws -> (AdaptiveBackground, Mask, Frame) {
        var model = AdaptiveBackground(configuration)
        let s = Self.square
        for i in 0..<60 { _ = try model.process(Scene.frame(i, square: (s.x, s.y, s.width, 240))) }
        var mask = Mask(width: 1, height: 1), frame = Scene.frame(0)
        for i in 60..<(60 + after) {
            frame = Scene.frame(i)
            mask = try model.process(frame)
        }
        return (model, mask.copied(), frame)
    }

    /// A square in view while the model learnt, then gone: its place is a ghost, dissolved at
    /// once, where without dissolution it stays foreground for seconds.
    @Test func aGhostIsDissolvedAtOnce() throws {
        var (model, mask, frame) = try Self.ghost(after: 3)
        let box = PixelRect(x: 10, y: 8, width: 14, height: 14)
        #expect(Scene.count(mask, in: box) >= 80, "the ghost is foreground")
        let dissolved = model.dissolveIfGhost(box, of: mask, in: frame)
        #expect(dissolved)
        let next = try model.process(Scene.frame(63))
        #expect(Scene.count(next, in: box) == 0, "gone from the next mask")
        // Without dissolution it is still there three seconds later.
        var (kept, _, _) = try Self.ghost(after: 3)
        var last = Mask(width: 1, height: 1)
        for i in 63..<(63 + 75) { last = try kept.process(Scene.frame(i)) }
        #expect(Scene.count(last, in: box) >= 60)
    }

    /// The edges along the ghost's contour are the learnt square's, not the frame's.
    @Test func aGhostsContourIsAnEdgeOfTheBackgroundOnly() throws {
        let (model, mask, frame) = try Self.ghost(after: 3)
        let edges = mask.plane.withView { mv in
            frame.luma.withView { f in model.backgroundLuma { contourEdges(mask: mv, frame: f, background: $0, box: Self.square.insetBy(-2)) } }
        }
        #expect(edges.pixels >= 30)
        #expect(Double(edges.background) > 4 * Double(edges.frame), "\(edges)")
    }

    /// A square that comes in after start-up and stands still is an object, not a ghost, while it
    /// is new and after the model has partly absorbed it; so is one that moves.
    @Test func anObjectStandingOrMovingIsNotAGhost() throws {
        var model = AdaptiveBackground()
        for i in 0..<60 { _ = try model.process(Scene.frame(i)) }
        var judged = 0
        for i in 60..<(60 + 25 * 10) {
            let moving = i < 120
            let x = moving ? 4 + (i - 60) / 3 : 24
            let frame = Scene.frame(i, square: (x, 12, 10, 240))
            let mask = try model.process(frame).copied()
            guard Scene.count(mask, in: PixelRect(x: x, y: 12, width: 10, height: 10)) > 20 else { continue }
            judged += 1
            let dissolved = model.dissolveIfGhost(PixelRect(x: x - 3, y: 9, width: 16, height: 16), of: mask, in: frame)
            #expect(!dissolved, "frame \(i)")
        }
        #expect(judged > 200)
    }

    /// The row-pointer kernel gives the reference's sums on random masks, images and boxes
    /// (boxes reaching past the image and its 2-pixel border included).
    @Test func contourEdgesMatchTheReference() {
        var rng = SplitMix64(seed: 42)
        for trial in 0..<40 {
            let w = 8 + Int(rng.next() % 40), h = 8 + Int(rng.next() % 30)
            var maskPixels = [UInt8](repeating: 0, count: w * h), luma = maskPixels
            var background = [UInt16](repeating: 0, count: w * h)
            for i in 0..<(w * h) {
                maskPixels[i] = rng.next() % 3 == 0 ? 0 : 255
                luma[i] = UInt8(truncatingIfNeeded: rng.next())
                background[i] = UInt16(truncatingIfNeeded: rng.next())
            }
            let box = PixelRect(x: Int(rng.next() % UInt64(w)) - 3, y: Int(rng.next() % UInt64(h)) - 3,
                                width: 1 + Int(rng.next() % UInt64(w + 4)), height: 1 + Int(rng.next() % UInt64(h + 4)))
            let mask = try! Plane(width: w, height: h, copying: maskPixels), frame = try! Plane(width: w, height: h, copying: luma)
            let (fast, slow) = mask.withView { m in
                frame.withView { f in
                    (background.withUnsafeBufferPointer { contourEdges(mask: m, frame: f, background: $0, box: box) },
                     contourEdgesReference(mask: m, frame: f, background: background, box: box))
                }
            }
            #expect(fast == slow, "trial \(trial): \(w)x\(h) \(box)")
        }
    }

    /// Turned off, nothing is dissolved.
    @Test func offKeepsTheGhost() throws {
        var configuration = AdaptiveBackground.Configuration()
        configuration.ghostEdgeRatio = nil
        var (model, mask, frame) = try Self.ghost(after: 3, configuration)
        let dissolved = model.dissolveIfGhost(PixelRect(x: 10, y: 8, width: 14, height: 14), of: mask, in: frame)
        #expect(!dissolved)
    }
}

extension PixelRect {
    /// This rectangle grown by `-amount` on every side (shrunk when positive).
    func insetBy(_ amount: Int) -> PixelRect {
        PixelRect(x: x + amount, y: y + amount, width: width - 2 * amount, height: height - 2 * amount)
    }
}
