import Testing
import VigieKernels
@testable import VigieBackground
@testable import VigieCore

/// Small synthetic scenes: a noisy textured background, a square that moves, stops or casts a shadow.
enum Scene {
    static func frame(_ index: Int, width: Int = 48, height: Int = 36, square: (x: Int, y: Int, size: Int, luma: UInt8)? = nil,
                      shadow: (x: Int, y: Int, size: Int)? = nil, greyPatch: (x: Int, y: Int, size: Int, luma: UInt8)? = nil,
                      gain: Double = 1, seed: UInt64 = 1) -> Frame {
        var rng = SplitMix64(seed: seed &* 7919 &+ UInt64(index))
        var pixels = [UInt8](repeating: 0, count: width * height)
        for y in 0..<height {
            for x in 0..<width {
                var v = Double(80 + (x * 3 + y * 2) % 60) + Double(Int(rng.next() % 5) - 2)
                if let s = shadow, x >= s.x, x < s.x + s.size, y >= s.y, y < s.y + s.size { v *= 0.6 }
                if let q = square, x >= q.x, x < q.x + q.size, y >= q.y, y < q.y + q.size { v = Double(q.luma) }
                if let q = greyPatch, x >= q.x, x < q.x + q.size, y >= q.y, y < q.y + q.size { v = Double(q.luma) }
                pixels[y * width + x] = UInt8(max(0, min(255, v * gain)))
            }
        }
        let luma = try! Plane(width: width, height: height, copying: pixels)
        let cw = (width + 1) / 2, ch = (height + 1) / 2
        var cb = Plane(width: cw, height: ch, filledWith: 120), cr = Plane(width: cw, height: ch, filledWith: 135)
        if let q = square {
            for y in q.y / 2..<min(ch, (q.y + q.size) / 2) { for x in q.x / 2..<min(cw, (q.x + q.size) / 2) { cb[x: x, y: y] = 90; cr[x: x, y: y] = 170 } }
        }
        return try! Frame(luma: luma, cb: cb, cr: cr, timestamp: Timestamp(frameIndex: index, framesPerSecond: 25), number: index + 1)
    }

    static func count(_ mask: Mask, in rect: PixelRect) -> Int {
        var n = 0
        for y in rect.y..<rect.y + rect.height { for x in rect.x..<rect.x + rect.width where mask.plane[x: x, y: y] != 0 { n += 1 } }
        return n
    }
}

@Suite("Background models")
struct BackgroundModelTests {
    @Test(arguments: BackgroundModelKind.allCases)
    func detectsAMovingSquareAndLittleElse(kind: BackgroundModelKind) throws {
        var model = kind.makeModel()
        for i in 0..<75 { _ = try model.process(Scene.frame(i)) }
        #expect(model.isWarm)
        let mask = try model.process(Scene.frame(75, square: (20, 10, 10, 230)))
        let inside = Scene.count(mask, in: PixelRect(x: 20, y: 10, width: 10, height: 10))
        #expect(inside >= 80, "square pixels found: \(inside) of 100")
        #expect(mask.count - inside <= 20, "false positives: \(mask.count - inside)")
        #expect(!model.sawGlobalChange)
    }

    @Test func adaptiveSuppressesShadows() throws {
        var model = AdaptiveBackground()
        for i in 0..<75 { _ = try model.process(Scene.frame(i)) }
        let mask = try model.process(Scene.frame(75, shadow: (10, 10, 12)))
        #expect(Scene.count(mask, in: PixelRect(x: 10, y: 10, width: 12, height: 12)) <= 5)
    }

    @Test func adaptiveFindsAFlatGreyObjectDarkEnoughToPassForAShadow() throws {
        // A flat grey patch with the floor's chroma, 43-75 % of the floor's brightness: the
        // brightness and chroma of a shadow, but it hides the floor's texture.
        var withTexture = AdaptiveBackground()
        var configuration = AdaptiveBackground.Configuration()
        configuration.shadowTextureContrast = nil
        var withoutTexture = AdaptiveBackground(configuration)
        for i in 0..<75 {
            _ = try withTexture.process(Scene.frame(i))
            _ = try withoutTexture.process(Scene.frame(i))
        }
        let patch = Scene.frame(75, greyPatch: (14, 8, 16, 60))
        let rect = PixelRect(x: 14, y: 8, width: 16, height: 16)
        let found = Scene.count(try withTexture.process(patch), in: rect)
        let foundWithoutTexture = Scene.count(try withoutTexture.process(patch), in: rect)
        #expect(found >= 16 * 16 * 8 / 10, "patch pixels found: \(found) of 256")
        #expect(foundWithoutTexture < found / 2, "the ratio-and-chroma test alone takes it for a shadow: \(foundWithoutTexture)")
    }

    @Test func adaptiveFlagsAGlobalChangeAndRelearns() throws {
        var model = AdaptiveBackground()
        for i in 0..<75 { _ = try model.process(Scene.frame(i)) }
        _ = try model.process(Scene.frame(75, gain: 1.8))
        #expect(model.sawGlobalChange && !model.isWarm)
        var last = Mask(width: 1, height: 1)
        for i in 76..<200 { last = try model.process(Scene.frame(i, gain: 1.8)) }
        #expect(model.isWarm && last.coverage < 0.02, "coverage after relearning: \(last.coverage)")
    }

    @Test func adaptiveRemovesGhosts() throws {
        // A square present at start-up then gone leaves a ghost, absorbed after `absorbAfter`.
        var model = AdaptiveBackground()
        for i in 0..<5 { _ = try model.process(Scene.frame(i, square: (5, 5, 8, 240))) }
        var mask = Mask(width: 1, height: 1)
        for i in 5..<(25 * 12) { mask = try model.process(Scene.frame(i)) }
        #expect(Scene.count(mask, in: PixelRect(x: 5, y: 5, width: 8, height: 8)) == 0)
    }

    @Test func dualRateReportsStaticForeground() throws {
        var model = DualRateBackground()
        for i in 0..<75 { _ = try model.process(Scene.frame(i)) }
        // A square is put down at frame 75 and stays.
        for i in 75..<(75 + 25 * 8) { _ = try model.process(Scene.frame(i, square: (20, 10, 10, 230))) }
        let rect = PixelRect(x: 20, y: 10, width: 10, height: 10)
        #expect(Scene.count(model.staticForeground, in: rect) >= 80)
        let seconds = model.longestStaticSeconds(in: rect)
        #expect(seconds > 3 && seconds < 8, "static for \(seconds) s")
        #expect(model.staticForeground.count - Scene.count(model.staticForeground, in: rect) <= 10)
    }

    @Test func rejectsSizeChangeAndTimeGoingBack() throws {
        var model = AdaptiveBackground()
        _ = try model.process(Scene.frame(3))
        #expect(throws: FrameError.nonMonotonicTimestamp(previous: Timestamp(frameIndex: 3, framesPerSecond: 25),
                                                         current: Timestamp(frameIndex: 2, framesPerSecond: 25))) {
            _ = try model.process(Scene.frame(2))
        }
        #expect(throws: FrameError.self) { _ = try model.process(Scene.frame(4, width: 40)) }
    }

    @Test(arguments: BackgroundModelKind.allCases)
    func modelsDescribeNoPixels(kind: BackgroundModelKind) throws {
        var model = kind.makeModel()
        let mask = try model.process(Scene.frame(0))
        _ = try model.process(Scene.frame(1))
        #expect(String(describing: mask) == "Mask(48x36)")
        var dumped = ""
        dump(model, to: &dumped)
        for text in [String(describing: model), String(reflecting: model), dumped] {
            #expect(text.count < 200 && !text.contains("[") , "\(text.prefix(120))")
        }
    }
}
