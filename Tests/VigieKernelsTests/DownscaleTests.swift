import Testing
@testable import VigieKernels

/// An owned, padded test image for kernel tests.
struct TestImage {
    var bytes: [UInt8]
    let width: Int, height: Int, stride: Int

    init(width: Int, height: Int, seed: UInt64) {
        self.width = width
        self.height = height
        stride = (width + 63) / 64 * 64
        var rng = SplitMix64(seed: seed)
        bytes = (0..<stride * max(height, 1)).map { _ in UInt8.random(in: 0...255, using: &rng) }
    }

    init(width: Int, height: Int, fill: UInt8) {
        self.width = width
        self.height = height
        stride = (width + 63) / 64 * 64
        bytes = [UInt8](repeating: fill, count: stride * max(height, 1))
    }

    func read<R>(_ body: (ImageView) -> R) -> R {
        bytes.withUnsafeBufferPointer { body(ImageView(base: $0.baseAddress!, width: width, height: height, stride: stride)) }
    }

    mutating func write<R>(_ body: (MutableImageView) -> R) -> R {
        let (w, h, s) = (width, height, stride)
        return bytes.withUnsafeMutableBufferPointer {
            body(MutableImageView(base: $0.baseAddress!, width: w, height: h, stride: s))
        }
    }

    /// Pixels without padding.
    var pixels: [UInt8] { (0..<height).flatMap { y in bytes[y * stride..<y * stride + width] } }
}

@Suite("2x downscale kernel")
struct DownscaleTests {
    static let sizes = [(1, 1), (2, 2), (3, 1), (15, 3), (16, 16), (17, 5), (31, 7), (33, 9), (63, 2), (65, 33), (320, 240)]

    @Test(arguments: sizes)
    func fastMatchesReference(width: Int, height: Int) {
        let source = TestImage(width: width, height: height, seed: UInt64(width * 1000 + height))
        var fast = TestImage(width: (width + 1) / 2, height: (height + 1) / 2, fill: 0)
        var reference = fast
        source.read { s in fast.write { downscale2x(s, into: $0) } }
        source.read { s in reference.write { downscale2xReference(s, into: $0) } }
        #expect(fast.pixels == reference.pixels)
    }

    @Test func averagesWithRounding() {
        var source = TestImage(width: 2, height: 2, fill: 0)
        source.bytes[0] = 1
        source.bytes[1] = 2
        source.bytes[source.stride] = 3
        source.bytes[source.stride + 1] = 4
        var out = TestImage(width: 1, height: 1, fill: 0)
        source.read { s in out.write { downscale2x(s, into: $0) } }
        #expect(out.bytes[0] == 3)  // (1 + 2 + 3 + 4 + 2) / 4 = 3
    }
}
