import Testing
import VigieCore
@testable import VigieBlobs
import VigieKernels

/// A 0/255 mask from pixel rectangles to set and single pixels to set.
func makeMask(width: Int, height: Int, rects: [PixelRect] = [], points: [(Int, Int)] = []) -> Mask {
    var pixels = [UInt8](repeating: 0, count: width * height)
    for r in rects {
        for y in r.y..<r.y + r.height { for x in r.x..<r.x + r.width { pixels[y * width + x] = 255 } }
    }
    for (x, y) in points { pixels[y * width + x] = 255 }
    return Mask(plane: try! Plane(width: width, height: height, copying: pixels))
}

extension Mask {
    func isSet(_ x: Int, _ y: Int) -> Bool { plane[x: x, y: y] >= 128 }
    func samePixels(as other: Mask) -> Bool { plane.hasSamePixels(as: other.plane) }
}

@Suite("Mask cleanup")
struct MaskCleanupTests {
    /// The steps on bits leave the mask's bits with it (the anonymiser's seed reads them); they
    /// are its pixels, and a change of the plane drops them.
    @Test func theBitsItLeavesAreTheMasksPixels() throws {
        let width = 150, height = 40
        let input = makeMask(width: width, height: height, rects: [PixelRect(x: 10, y: 5, width: 70, height: 20),
                                                                   PixelRect(x: 100, y: 2, width: 50, height: 30)],
                             points: [(90, 35), (3, 3)])
        var cleanup = MaskCleanup(opening: 1, closing: 2, minimumRegionArea: 4)
        for _ in 0..<2 {  // the second reuses the buffers
            var out = try cleanup.process(input)
            let words = try #require(out.packedBits)
            let wordsPerRow = BitRows.wordsPerRow(width: width)
            for y in 0..<height {
                for x in 0..<width {
                    #expect((words[y * wordsPerRow + x / 64] >> UInt64(x % 64)) & 1 == (out.isSet(x, y) ? 1 : 0), "\(x),\(y)")
                }
            }
            #expect(out.count > 0 && out.copied().packedBits == words)
            out.withMutablePixels { $0[0, 0] = 255 }
            #expect(out.packedBits == nil)
        }
        var medianOnly = MaskCleanup()
        #expect(try medianOnly.process(input).packedBits == nil)
    }

    @Test func medianRemovesSaltNoise() throws {
        let noise = [(1, 1), (30, 3), (7, 25), (38, 38), (0, 39), (20, 35)]
        let input = makeMask(width: 40, height: 40, rects: [PixelRect(x: 10, y: 10, width: 12, height: 12)],
                             points: noise)
        var cleanup = MaskCleanup()
        let out = try cleanup.process(input)
        for (x, y) in noise { #expect(!out.isSet(x, y), "noise at \(x),\(y)") }
        #expect(out.count == 144 - 4)  // the square keeps all but its four corners
        #expect(out.isSet(11, 10) && !out.isSet(10, 10))
    }

    @Test func openingRemovesThinLineButKeepsSquare() throws {
        let square = PixelRect(x: 20, y: 5, width: 10, height: 10)
        let input = makeMask(width: 40, height: 30, rects: [square, PixelRect(x: 2, y: 20, width: 30, height: 1)])
        var cleanup = MaskCleanup(median: false, opening: 1)
        let out = try cleanup.process(input)
        #expect(out.samePixels(as: makeMask(width: 40, height: 30, rects: [square])))
    }

    @Test func closingBridgesOnePixelGap() throws {
        let input = makeMask(width: 32, height: 20, rects: [PixelRect(x: 5, y: 5, width: 10, height: 10),
                                                            PixelRect(x: 16, y: 5, width: 10, height: 10)])
        var cleanup = MaskCleanup(median: false, closing: 1)
        let out = try cleanup.process(input)
        #expect(out.samePixels(as: makeMask(width: 32, height: 20, rects: [PixelRect(x: 5, y: 5, width: 21, height: 10)])))
    }

    @Test func fillsRingInteriorButNotShapeOpenToBorder() throws {
        // A 2-pixel-thick ring with a 4x4 hole, and a C whose mouth reaches the right border.
        let ring = [PixelRect(x: 2, y: 2, width: 8, height: 2), PixelRect(x: 2, y: 8, width: 8, height: 2),
                    PixelRect(x: 2, y: 4, width: 2, height: 4), PixelRect(x: 8, y: 4, width: 2, height: 4)]
        let c = [PixelRect(x: 14, y: 2, width: 6, height: 2), PixelRect(x: 14, y: 8, width: 6, height: 2),
                 PixelRect(x: 14, y: 4, width: 2, height: 4)]
        let input = makeMask(width: 20, height: 12, rects: ring + c)
        var cleanup = MaskCleanup(median: false, fillHoles: true)
        let out = try cleanup.process(input)
        let expected = makeMask(width: 20, height: 12, rects: [PixelRect(x: 2, y: 2, width: 8, height: 8)] + c)
        #expect(out.samePixels(as: expected))
    }

    @Test func holeClosedByDiagonalStepIsFilled() throws {
        // Foreground is 8-connected, so background is 4-connected: the hole at (2, 2) is enclosed
        // even though its ring closes with a diagonal step at the top-left.
        let input = makeMask(width: 5, height: 5, points: [(2, 1), (3, 1), (1, 2), (3, 2), (1, 3), (2, 3), (3, 3)])
        var cleanup = MaskCleanup(median: false, fillHoles: true)
        let out = try cleanup.process(input)
        #expect(out.isSet(2, 2) && out.count == 8)
    }

    @Test func removesSmallRegions() throws {
        let small = PixelRect(x: 1, y: 1, width: 3, height: 1)  // 3 px
        let edge = PixelRect(x: 10, y: 1, width: 5, height: 2)  // 10 px: kept
        let big = PixelRect(x: 5, y: 10, width: 10, height: 5)  // 50 px
        let input = makeMask(width: 20, height: 20, rects: [small, edge, big])
        var cleanup = MaskCleanup(median: false, minimumRegionArea: 10)
        let out = try cleanup.process(input)
        #expect(out.samePixels(as: makeMask(width: 20, height: 20, rects: [edge, big])))
    }

    @Test func sizeChangeThrows() throws {
        var cleanup = MaskCleanup()
        _ = try cleanup.process(Mask(width: 8, height: 8))
        #expect(throws: FrameError.frameSizeChanged(expectedWidth: 8, expectedHeight: 8, width: 9, height: 8)) {
            try cleanup.process(Mask(width: 9, height: 8))
        }
    }

    /// Whole chains (the standard one, and one with an opening) on noisy masks of odd sizes: the
    /// same pixels as the reference kernels one after the other (the bit-packed steps between the
    /// median and the end are exact).
    @Test(arguments: [(37, 29), (64, 40), (130, 77), (200, 61)])
    func chainsMatchTheReferenceKernels(size: (Int, Int)) throws {
        let (w, h) = size
        var rng = SplitMix64(seed: UInt64(w * 1000 + h))
        for density in [0.1, 0.3] {
            var pixels = [UInt8](repeating: 0, count: w * h)
            for i in pixels.indices where Double.random(in: 0..<1, using: &rng) < density { pixels[i] = 255 }
            for _ in 0..<4 {  // people-sized blocks with holes
                let x0 = Int.random(in: 0..<w, using: &rng), y0 = Int.random(in: 0..<h, using: &rng)
                for y in y0..<min(h, y0 + 18) { for x in x0..<min(w, x0 + 9) where (x + y) % 5 != 0 { pixels[y * w + x] = 255 } }
            }
            let input = Mask(plane: try Plane(width: w, height: h, copying: pixels))
            for (opening, closing, area) in [(0, 3, 15), (1, 2, 15), (2, 0, 0)] {
                var chain = MaskCleanup(median: true, opening: opening, closing: closing, fillHoles: true, minimumRegionArea: area)
                let fast = try chain.process(input)
                var a = [UInt8](repeating: 0, count: w * h), b = a
                a.withUnsafeMutableBufferPointer { am in
                    b.withUnsafeMutableBufferPointer { bm in
                        let first = MutableImageView(base: am.baseAddress!, width: w, height: h, stride: w)
                        let second = MutableImageView(base: bm.baseAddress!, width: w, height: h, stride: w)
                        input.plane.withView { median3x3Reference($0, into: first) }
                        if opening > 0 {
                            erodeReference(first.readOnly, into: second, radius: opening)
                            dilateReference(second.readOnly, into: first, radius: opening)
                        }
                        if closing > 0 {
                            dilateReference(first.readOnly, into: second, radius: closing)
                            erodeReference(second.readOnly, into: first, radius: closing)
                        }
                        fillHolesReference(first)
                        removeSmallRegionsReference(first, minimumArea: area)
                    }
                }
                let reference = Mask(plane: try Plane(width: w, height: h, copying: a))
                #expect(fast.samePixels(as: reference), "\(w)x\(h), density \(density), open \(opening) close \(closing)")
                #expect(reference.count > 0 && reference.count < w * h, "a one-sided case")
            }
        }
    }

    @Test func keptResultIsNeverOverwritten() throws {
        let square = makeMask(width: 16, height: 16, rects: [PixelRect(x: 4, y: 4, width: 6, height: 6)])
        var cleanup = MaskCleanup(median: false)
        let first = try cleanup.process(square)
        let second = try cleanup.process(Mask(width: 16, height: 16))
        #expect(first.count == 36 && second.count == 0)
        let third = try cleanup.process(first)  // the input may be an earlier output
        #expect(third.count == 36 && first.count == 36)
    }
}
