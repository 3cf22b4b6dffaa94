@testable import VigieKernels

extension TestImage {
    /// A random 0/255 mask with about `density` of its pixels set. The row padding holds
    /// random 0/255 bytes too, so kernels that read it give themselves away.
    static func randomMask(width: Int, height: Int, density: Double, seed: UInt64) -> TestImage {
        var image = TestImage(width: width, height: height, seed: seed)
        let threshold = Int(density * 256)
        image.bytes = image.bytes.map { Int($0) < threshold ? 255 : 0 }
        return image
    }

    /// A 0/255 mask of random filled rectangles (clustered foreground, like real blobs).
    static func rectangleMask(width: Int, height: Int, count: Int, maximumSide: Int, seed: UInt64) -> TestImage {
        var image = TestImage(width: width, height: height, fill: 0)
        var rng = SplitMix64(seed: seed)
        for _ in 0..<count {
            let w = Int.random(in: 1...maximumSide, using: &rng), h = Int.random(in: 1...maximumSide, using: &rng)
            let x0 = Int.random(in: 0..<width, using: &rng), y0 = Int.random(in: 0..<height, using: &rng)
            for y in y0..<min(y0 + h, height) {
                for x in x0..<min(x0 + w, width) { image.bytes[y * image.stride + x] = 255 }
            }
        }
        return image
    }
}
