import Testing
@testable import VigieKernels

@Suite("Erosion and dilation kernels")
struct MorphologyTests {
    static let sizes = [(1, 1), (2, 3), (1, 9), (9, 1), (2, 17), (15, 3), (16, 16), (17, 5), (31, 7), (33, 4),
                        (63, 9), (64, 2), (65, 33), (320, 240)]

    @Test(arguments: sizes, [0, 1, 2, 3, 4, 7])
    func fastMatchesReference(size: (Int, Int), radius: Int) {
        let (width, height) = size
        var scratch = KernelScratch()
        for density in [0.05, 0.5, 0.9, 0.97] {
            let source = TestImage.randomMask(width: width, height: height, density: density,
                                              seed: UInt64(width * 1000 + height + radius))
            for erosion in [true, false] {
                var fast = TestImage(width: width, height: height, fill: 7)
                var reference = fast
                source.read { s in
                    fast.write { d in
                        if erosion { erode(s, into: d, radius: radius, scratch: &scratch) }
                        else { dilate(s, into: d, radius: radius, scratch: &scratch) }
                    }
                    reference.write { d in
                        if erosion { erodeReference(s, into: d, radius: radius) }
                        else { dilateReference(s, into: d, radius: radius) }
                    }
                }
                #expect(fast.pixels == reference.pixels, "erosion \(erosion), density \(density)")
                // In place gives the same result.
                var inPlace = source
                inPlace.write { d in
                    if erosion { erode(d.readOnly, into: d, radius: radius, scratch: &scratch) }
                    else { dilate(d.readOnly, into: d, radius: radius, scratch: &scratch) }
                }
                #expect(inPlace.pixels == reference.pixels, "in place, erosion \(erosion), density \(density)")
            }
        }
    }

    @Test func greyValuesUseMinimumAndMaximum() {
        let source = TestImage(width: 33, height: 17, seed: 42)
        var scratch = KernelScratch()
        for radius in [1, 2, 3, 5] {
            for erosion in [true, false] {
                var fast = TestImage(width: 33, height: 17, fill: 0)
                var reference = fast
                source.read { s in
                    fast.write { d in
                        if erosion { erode(s, into: d, radius: radius, scratch: &scratch) }
                        else { dilate(s, into: d, radius: radius, scratch: &scratch) }
                    }
                    reference.write { d in
                        if erosion { erodeReference(s, into: d, radius: radius) }
                        else { dilateReference(s, into: d, radius: radius) }
                    }
                }
                #expect(fast.pixels == reference.pixels, "radius \(radius), erosion \(erosion)")
            }
        }
    }

    @Test func frameEdgeDoesNotErode() {
        let source = TestImage(width: 5, height: 4, fill: 255)
        var scratch = KernelScratch()
        var out = TestImage(width: 5, height: 4, fill: 0)
        source.read { s in out.write { d in erode(s, into: d, radius: 2, scratch: &scratch) } }
        #expect(out.pixels.allSatisfy { $0 == 255 })
    }
}
