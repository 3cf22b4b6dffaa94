import Foundation
import Testing
import VigieAnalysis
import VigieCore

@Suite("Fire detector")
struct FireDetectorTests {
    /// A 64x48 frame: grey background, with an optional 16x16 patch of the given colour at (24, 16).
    static func frame(patch: (y: UInt8, cb: UInt8, cr: UInt8)?, at t: Double, number: Int) throws -> Frame {
        let w = 64, h = 48
        var y = [UInt8](repeating: 90, count: w * h)
        var cb = [UInt8](repeating: 128, count: w * h / 4), cr = cb
        if let patch {
            for yy in 16..<32 { for x in 24..<40 { y[yy * w + x] = patch.y } }
            for yy in 8..<16 { for x in 12..<20 { cb[yy * w / 2 + x] = patch.cb; cr[yy * w / 2 + x] = patch.cr } }
        }
        return try Frame(luma: Plane(width: w, height: h, copying: y), cb: Plane(width: w / 2, height: h / 2, copying: cb),
                         cr: Plane(width: w / 2, height: h / 2, copying: cr), timestamp: Timestamp(seconds: t), number: number)
    }

    /// A deterministic irregular sequence (SplitMix64 finaliser of the frame index).
    static func hash(_ i: Int) -> Int {
        var x = UInt64(i) &* 0x9E37_79B9_7F4A_7C15
        x = (x ^ (x >> 30)) &* 0xBF58_476D_1CE4_E5B9
        x = (x ^ (x >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((x ^ (x >> 31)) % 1000)
    }

    /// Runs `seconds` of 25 fps frames whose patch colour comes from `patch(frameIndex)`; returns each frame's cues.
    static func run(seconds: Double = 4, _ patch: (Int) -> (y: UInt8, cb: UInt8, cr: UInt8)?) throws -> [FireCues] {
        var detector = FireDetector()
        return try (0..<Int(seconds * 25)).map { i in try detector.process(frame(patch: patch(i), at: Double(i) / 25, number: i + 1)) }
    }

    @Test("an irregularly flickering fire-coloured patch becomes a region on it")
    func irregularFlickerIsFire() throws {
        let cues = try Self.run { i in (UInt8(150 + Self.hash(i) % 100), 70, 185) }
        let late = cues.suffix(50)
        #expect(late.allSatisfy { !$0.regions.isEmpty }, "\(late.map(\.regions.count))")
        let region = try #require(late.last?.regions.first)
        #expect(region.box.x >= 20 && region.box.x + region.box.width <= 44, "\(region.box)")
        #expect(region.box.y >= 12 && region.box.y + region.box.height <= 36, "\(region.box)")
        #expect(region.irregularity >= 0.3 && region.flicker >= 0.25 && region.score > 0 && region.score <= 1)
    }

    @Test("a steady fire-coloured patch (a lit sign) is not fire")
    func steadyIsNot() throws {
        let cues = try Self.run { _ in (200, 70, 185) }
        #expect(cues.allSatisfy { $0.regions.isEmpty })
    }

    @Test("a blinking fire-coloured patch (a beacon) is not fire", arguments: [2, 3, 5])
    func blinkingIsNot(halfPeriod: Int) throws {
        let cues = try Self.run { i in (i / halfPeriod) % 2 == 0 ? (210, 70, 185) : nil }
        #expect(cues.allSatisfy { $0.regions.isEmpty })
    }

    @Test("a periodic luma oscillation inside fire colours (one frequency) is not fire")
    func periodicIsNot() throws {
        let cues = try Self.run { i in (UInt8(190 + ((i % 6) < 3 ? 40 : 0)), 70, 185) }
        #expect(cues.allSatisfy { $0.regions.isEmpty })
    }

    @Test("an irregularly flickering white patch (headlights, low chroma) is not fire")
    func whiteIsNot() throws {
        let cues = try Self.run { i in (UInt8(150 + Self.hash(i) % 100), 125, 132) }
        #expect(cues.allSatisfy { $0.regions.isEmpty })
    }

    @Test("luma-only frames give no regions; a size change and a non-advancing time are errors")
    func errors() throws {
        var detector = FireDetector()
        #expect(try detector.process(Frame(luma: Plane(width: 32, height: 32))).regions.isEmpty)
        var colour = FireDetector()
        _ = try colour.process(Self.frame(patch: nil, at: 1, number: 1))
        #expect(throws: FrameError.self) { try colour.process(Self.frame(patch: nil, at: 1, number: 2)) }
        #expect(throws: FrameError.self) {
            try colour.process(Frame(width: 32, height: 32, format: .ycbcr420, timestamp: Timestamp(seconds: 2)))
        }
        #expect("\(colour)".hasPrefix("FireDetector("))
    }

    @Test("the cell size follows the frame width unless set")
    func cellSize() {
        let c = FireDetector.Configuration()
        #expect(c.cellSize(forWidth: 160) == 4 && c.cellSize(forWidth: 426) == 4)
        #expect(c.cellSize(forWidth: 768) == 6 && c.cellSize(forWidth: 1920) == 16)
        var fixed = c
        fixed.cellSize = 8
        #expect(fixed.cellSize(forWidth: 160) == 8)
    }
}
