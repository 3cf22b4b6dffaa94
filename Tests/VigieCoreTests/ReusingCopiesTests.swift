import Testing
@testable import VigieCore

/// The allocation-free forms (`copyPackedPixels(into:)`, `downscale2x(into:)`) give exactly what
/// their allocating references (`packedPixels`, `downscaled2x()`) give, on odd and even sizes,
/// and reuse their output's storage.
@Suite("Reusing copies")
struct ReusingCopiesTests {
    static func plane(_ w: Int, _ h: Int, seed: Int) throws -> Plane {
        try Plane(width: w, height: h, copying: (0..<(w * h)).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ seed &* 11) })
    }

    @Test(arguments: [(1, 1), (5, 3), (64, 2), (65, 7), (97, 40)])
    func packedCopyMatchesTheReference(size: (Int, Int)) throws {
        let p = try Self.plane(size.0, size.1, seed: 3)
        var out: [UInt8] = [9, 9]
        p.copyPackedPixels(into: &out)
        #expect(out == p.packedPixels)
        let address = out.withUnsafeBufferPointer { $0.baseAddress }
        p.copyPackedPixels(into: &out)
        #expect(out.withUnsafeBufferPointer { $0.baseAddress } == address, "storage reused")
    }

    @Test(arguments: [(2, 2), (5, 3), (64, 2), (65, 7), (97, 40)])
    func frameDownscaleIntoMatchesTheReference(size: (Int, Int)) throws {
        let (w, h) = (size.0 * 2, size.1 * 2)
        let frame = try Frame(luma: Self.plane(w, h, seed: 1), cb: Self.plane(w / 2, h / 2, seed: 2),
                              cr: Self.plane(w / 2, h / 2, seed: 5), timestamp: Timestamp(seconds: 1.5), number: 7)
        var out: Frame?
        frame.downscale2x(into: &out)  // first call: allocates
        frame.downscale2x(into: &out)  // second: in place
        let expected = frame.downscaled2x()
        #expect(out.map { $0.hasSamePixels(as: expected) } == true)
        #expect(out?.timestamp == frame.timestamp && out?.number == 7)
    }
}
