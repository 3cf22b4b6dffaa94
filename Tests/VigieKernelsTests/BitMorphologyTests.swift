import Testing
@testable import VigieKernels

@Suite("Bit-packed opening and closing: every path versus the reference pair")
struct BitMorphologyTests {
    static let sizes = [(1, 1), (2, 3), (1, 9), (9, 1), (7, 17), (15, 3), (63, 5), (64, 4), (65, 9), (127, 3),
                        (128, 6), (130, 33), (320, 240)]

    /// Radii below and from the block ORs' (4), on every path the processor runs.
    @Test(arguments: sizes, [1, 2, 3, 4, 7])
    func matchesTheReferencePair(size: (Int, Int), radius: Int) {
        Self.compare(size: size, radius: radius)
    }

    /// A radius of 63 (the widest single horizontal step, and block ORs down a tall mask) and past
    /// one word (steps of at most 63).
    @Test(arguments: [((130, 9), 70), ((200, 3), 70), ((65, 4), 70), ((130, 9), 63), ((20, 140), 63)])
    func matchesTheReferencePairPastOneWord(size: (Int, Int), radius: Int) {
        Self.compare(size: size, radius: radius)
    }

    /// The reference pair once, then every path the processor runs.
    static func compare(size: (Int, Int), radius: Int) {
        let (width, height) = size
        var scratch = KernelScratch()
        var masks = [0.05, 0.5, 0.9].map { density in
            TestImage.randomMask(width: width, height: height, density: density, seed: UInt64(width * 977 + height + radius))
        }
        masks.append(TestImage.rectangleMask(width: width, height: height, count: 6, maximumSide: 40,
                                             seed: UInt64(width + 31 * height + radius)))
        for source in masks {
            for closing in [true, false] {
                var middle = TestImage(width: width, height: height, fill: 0)
                var reference = middle
                source.read { s in
                    middle.write { m in
                        if closing { dilateReference(s, into: m, radius: radius) } else { erodeReference(s, into: m, radius: radius) }
                    }
                }
                middle.read { m in
                    reference.write { r in
                        if closing { erodeReference(m, into: r, radius: radius) } else { dilateReference(m, into: r, radius: radius) }
                    }
                }
                for path in KernelPath.allCases where path.isSupported {
                    var fast = source
                    fast.write { d in
                        if closing { closeBitPacked(d, radius: radius, scratch: &scratch, path: path) }
                        else { openBitPacked(d, radius: radius, scratch: &scratch, path: path) }
                    }
                    #expect(fast.pixels == reference.pixels, "closing \(closing), \(width)x\(height), radius \(radius), path \(path)")
                    // Row padding is not touched.
                    for y in 0..<height where fast.stride > width {
                        #expect(fast.bytes[y * fast.stride + width..<(y + 1) * fast.stride] ==
                                source.bytes[y * source.stride + width..<(y + 1) * source.stride])
                    }
                }
            }
        }
    }

    /// Values on both sides of 128, odd widths, every path; bits past each row's end are 0.
    @Test(arguments: KernelPath.allCases.filter(\.isSupported))
    func packBitsMatchesReference(path: KernelPath) {
        for (width, height) in Self.sizes + [(1920, 2), (33, 2)] {
            var image = TestImage(width: width, height: height, seed: UInt64(width * 131 + height))
            for i in image.bytes.indices where i % 7 == 0 { image.bytes[i] = i % 2 == 0 ? 127 : 128 }
            var fast = TestBits(width: width, height: height, fill: 0x5555_5555_5555_5555), reference = TestBits(width: width, height: height)
            image.read { m in
                fast.write { packBits(m, into: $0, path: path) }
                reference.write { packBitsReference(m, into: $0) }
            }
            #expect(fast.words == reference.words, "\(width)x\(height), path \(path)")
            #expect(width * height < 64 || (fast.pixels.contains(true) && fast.pixels.contains(false)))
        }
    }

    @Test func closingJoinsAGapAndOpeningRemovesALine() {
        var mask = TestImage(width: 80, height: 20, fill: 0)
        for y in 5..<15 { for x in 10..<70 where x < 38 || x > 41 { mask.bytes[y * mask.stride + x] = 255 } }  // 4-px gap
        var scratch = KernelScratch()
        var closed = mask
        closed.write { closeBitPacked($0, radius: 2, scratch: &scratch) }
        #expect((38...41).allSatisfy { closed.bytes[10 * closed.stride + $0] == 255 }, "the gap is closed")
        var line = TestImage(width: 80, height: 20, fill: 0)
        for x in 0..<80 { line.bytes[10 * line.stride + x] = 255 }
        line.write { openBitPacked($0, radius: 1, scratch: &scratch) }
        #expect(line.pixels.allSatisfy { $0 == 0 }, "a 1-pixel line is thinner than a 3x3 square")
    }
}
