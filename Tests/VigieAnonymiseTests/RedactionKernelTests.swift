import Testing
@testable import VigieAnonymise
@testable import VigieCore
import VigieKernels

@Suite("Anonymiser kernels: fast = reference")
struct RedactionKernelTests {
    /// Random planes (masks 0/255, luma anywhere) of widths with and without a vector tail.
    @Test(arguments: [(16, 3), (37, 5), (64, 4), (1, 2)])
    func regionSeedMatchesReference(width: Int, height: Int) {
        var rng = SplitMix64(seed: UInt64(width * 31 + height))
        func plane(mask: Bool) -> Plane {
            var p = Plane(width: width, height: height)
            p.withMutableView { v in
                for y in 0..<height {
                    for x in 0..<width {
                        let r = UInt8.random(in: 0...255, using: &rng)
                        v[x, y] = mask ? (r < 128 ? 0 : 255) : r
                    }
                }
            }
            return p
        }
        let m = plane(mask: true), k = plane(mask: true), f = plane(mask: false), b = plane(mask: false)
        // The previous frame is the frame changed by small and large amounts, so both sides of the threshold occur.
        var p = f
        p.withMutableView { v in
            for y in 0..<height { for x in 0..<width { v[x, y] = v[x, y] &+ UInt8.random(in: 0...40, using: &rng) } }
        }
        var a = Plane(width: width, height: height), c = Plane(width: width, height: height)
        m.withView { m in f.withView { f in b.withView { b in k.withView { k in p.withView { p in
            a.withMutableView { regionSeedReference(m, f, b, k, p, $0, threshold: 24, changed: 16) }
            c.withMutableView { regionSeed(m, f, b, k, p, $0, threshold: 24, changed: 16) }
        } } } } }
        #expect(a.packedPixels == c.packedPixels)
        #expect(a.packedPixels.contains(0) && a.packedPixels.contains(255) || width * height < 4)
    }
}
