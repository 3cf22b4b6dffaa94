import Testing
@testable import VigieKernels

@Suite("Erosion and dilation kernels")
struct MorphologyTests {
    static let sizes = [(1, 1), (2, 3), (1, 9), (9, 1), (15, 3), (16, 16), (17, 5), (63, 9), (65, 33), (320, 240)]

    @Test(arguments: sizes, [0, 1, 2, 3, 7])
    func fastMatchesReference(size: (Int, Int), radius: Int) {
        let (width, height) = size
        for density in [0.5, 0.9] {
            let source = TestImage.randomMask(width: width, height: height, density: density,
                                              seed: UInt64(width * 1000 + height + radius))
            var scratch = TestImage(width: width, height: height, fill: 0)
            for erosion in [true, false] {
                var fast = TestImage(width: width, height: height, fill: 7)
                var reference = fast
                source.read { s in
                    fast.write { d in
                        scratch.write { t in
                            if erosion { erode(s, into: d, radius: radius, scratch: t) }
                            else { dilate(s, into: d, radius: radius, scratch: t) }
                        }
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
                    scratch.write { t in
                        if erosion { erode(d.readOnly, into: d, radius: radius, scratch: t) }
                        else { dilate(d.readOnly, into: d, radius: radius, scratch: t) }
                    }
                }
                #expect(inPlace.pixels == reference.pixels, "in place, erosion \(erosion), density \(density)")
            }
        }
    }

    @Test func greyValuesUseMinimumAndMaximum() {
        let source = TestImage(width: 33, height: 17, seed: 42)
        var scratch = TestImage(width: 33, height: 17, fill: 0)
        var fast = TestImage(width: 33, height: 17, fill: 0)
        var reference = fast
        source.read { s in
            fast.write { d in scratch.write { t in erode(s, into: d, radius: 2, scratch: t) } }
            reference.write { d in erodeReference(s, into: d, radius: 2) }
        }
        #expect(fast.pixels == reference.pixels)
    }

    @Test func frameEdgeDoesNotErode() {
        let source = TestImage(width: 5, height: 4, fill: 255)
        var scratch = TestImage(width: 5, height: 4, fill: 0)
        var out = TestImage(width: 5, height: 4, fill: 0)
        source.read { s in out.write { d in scratch.write { t in erode(s, into: d, radius: 2, scratch: t) } } }
        #expect(out.pixels.allSatisfy { $0 == 255 })
    }
}
