import Testing
@testable import VigieKernels

@Suite("3x3 binary median kernel")
struct MedianTests {
    static let sizes = [(1, 1), (2, 2), (3, 1), (1, 5), (2, 9), (15, 3), (16, 16), (17, 5), (31, 4), (33, 7),
                        (63, 2), (64, 3), (65, 33), (320, 240)]

    @Test(arguments: sizes, [0.05, 0.1, 0.5, 0.6, 0.9])
    func fastMatchesReference(size: (Int, Int), density: Double) {
        let (width, height) = size
        let source = TestImage.randomMask(width: width, height: height, density: density,
                                          seed: UInt64(width * 1000 + height))
        var fast = TestImage(width: width, height: height, fill: 7)
        var reference = fast
        var scratch = KernelScratch()
        source.read { s in fast.write { median3x3(s, into: $0, scratch: &scratch) } }
        source.read { s in reference.write { median3x3Reference(s, into: $0) } }
        #expect(fast.pixels == reference.pixels)
    }

    /// Every kernel path this processor runs, on odd sizes and a camera-sized mask (a stride
    /// wider than the row too).
    @Test(arguments: KernelPath.allCases.filter(\.isSupported))
    func everyPathMatchesReference(path: KernelPath) {
        for (width, height) in Self.sizes + [(127, 5), (129, 3), (1919, 4), (1920, 6)] {
            for density in [0.1, 0.5, 0.9] {
                let source = TestImage.randomMask(width: width, height: height, density: density,
                                                  seed: UInt64(width * 7919 + height))
                var fast = TestImage(width: width, height: height, fill: 7)
                var reference = fast
                var scratch = KernelScratch()
                source.read { s in fast.write { median3x3(s, into: $0, scratch: &scratch, path: path) } }
                source.read { s in reference.write { median3x3Reference(s, into: $0) } }
                #expect(fast.pixels == reference.pixels, "\(width)x\(height), density \(density), path \(path)")
            }
        }
    }

    @Test(arguments: [(1, 1), (2, 5), (17, 3), (33, 17), (64, 9)])
    func greyValuesCountAsSetFrom128(size: (Int, Int)) {
        let source = TestImage(width: size.0, height: size.1, seed: UInt64(size.0 * 31 + size.1))
        var fast = TestImage(width: size.0, height: size.1, fill: 7)
        var reference = fast
        var scratch = KernelScratch()
        source.read { s in fast.write { median3x3(s, into: $0, scratch: &scratch) } }
        source.read { s in reference.write { median3x3Reference(s, into: $0) } }
        #expect(fast.pixels == reference.pixels)
    }

    @Test func removesIsolatedPixelAndRoundsCorners() {
        var source = TestImage(width: 8, height: 8, fill: 0)
        source.bytes[1 * source.stride + 6] = 255  // isolated
        for y in 2..<6 { for x in 1..<5 { source.bytes[y * source.stride + x] = 255 } }  // 4x4 square
        var out = TestImage(width: 8, height: 8, fill: 0)
        var scratch = KernelScratch()
        source.read { s in out.write { median3x3(s, into: $0, scratch: &scratch) } }
        #expect(out.pixels.filter { $0 == 255 }.count == 12)  // the square without its 4 corners
        #expect(out.bytes[1 * out.stride + 6] == 0)
        #expect(out.bytes[2 * out.stride + 1] == 0 && out.bytes[3 * out.stride + 2] == 255)
    }
}
