import Testing
@testable import VigieKernels

@Suite("Background model kernels: fast versus reference")
struct BackgroundKernelTests {
    static let widths = [1, 2, 15, 16, 17, 31, 33, 63, 64, 65, 320]

    static let parameters = AdaptiveParameters(
        deviationScale16: 56, minimumThreshold: 10, maximumThreshold: 48, chromaThreshold: 12,
        shadowLow: 115, shadowHigh: 238, shadowChroma: 8, backgroundStep: 85, foregroundStep: 3,
        deviationStep: 34, absorbAfterFrames: 3)

    @Test(arguments: widths)
    func adaptiveRowMatchesReference(width: Int) {
        var rng = SplitMix64(seed: UInt64(width))
        func bytes(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) } }
        func words(_ n: Int, _ r: ClosedRange<UInt16>) -> [UInt16] { (0..<n).map { _ in UInt16.random(in: r, using: &rng) } }
        let luma = bytes(width)
        let chroma = (0..<width).map { _ in UInt8.random(in: 0...30, using: &rng) }
        var lo = bytes(width), hi = bytes(width)
        for i in 0..<width where lo[i] > hi[i] { lo.swapAt(i, i); (lo[i], hi[i]) = (hi[i], lo[i]) }
        var bgA = words(width, 0...65535), devA = words(width, 0...20000), countA = words(width, 0...6)
        var bgB = bgA, devB = devA, countB = countA
        var maskA = [UInt8](repeating: 7, count: width), maskB = maskA
        // Four frames in a row, so the state each version writes is read back.
        for _ in 0..<4 {
            adaptiveRowReference(luma: luma, chromaDistance: chroma.enumerated().filter { $0.offset % 2 == 0 }.map(\.element) + [0],
                                 envelopeMin: lo, envelopeMax: hi, background: &bgA, deviation: &devA,
                                 foregroundFrames: &countA, mask: &maskA, width: width, Self.parameters)
            let wide = (0..<width).map { chroma[($0 >> 1) * 2] }
            adaptiveRow(luma: luma, chromaWide: wide, envelopeMin: lo, envelopeMax: hi, background: &bgB,
                        deviation: &devB, foregroundFrames: &countB, mask: &maskB, width: width, Self.parameters)
        }
        #expect(maskA == maskB)
        #expect(bgA == bgB)
        #expect(devA == devB)
        #expect(countA == countB)
        #expect(maskA.allSatisfy { $0 == 0 || $0 == 255 || $0 == shadowCandidate })
        #expect(maskA.contains(shadowCandidate) || width < 64, "random rows should hold shadow candidates")
    }

    @Test(arguments: widths)
    func sigmaDeltaRowMatchesReference(width: Int) {
        var rng = SplitMix64(seed: UInt64(1000 + width))
        func bytes(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) } }
        let luma = bytes(width), chroma = bytes(width)
        var mA = bytes(width), vA = bytes(width), mB = mA, vB = vA
        var maskA = [UInt8](repeating: 0, count: width), maskB = maskA
        for _ in 0..<3 {
            sigmaDeltaRowReference(luma, chromaWide: chroma, background: &mA, variance: &vA, mask: &maskA, width: width,
                                   minimumVariance: 12, maximumVariance: 80, chromaThreshold: 16)
            sigmaDeltaRow(luma, chromaWide: chroma, background: &mB, variance: &vB, mask: &maskB, width: width,
                          minimumVariance: 12, maximumVariance: 80, chromaThreshold: 16)
        }
        #expect(maskA == maskB && mA == mB && vA == vB)
    }

    @Test(arguments: [(1, 1), (2, 3), (15, 4), (17, 9), (64, 2), (65, 33)])
    func envelopeMatchesReference(width: Int, height: Int) {
        var rng = SplitMix64(seed: UInt64(width * 31 + height))
        let background = (0..<width * height).map { _ in UInt16.random(in: 0...65535, using: &rng) }
        var loA = TestImage(width: width, height: height, fill: 0), hiA = loA, loB = loA, hiB = loA
        var scratch = [UInt8](repeating: 0, count: 7 * width + 64)
        loA.write { lo in hiA.write { hi in backgroundEnvelopeReference(background, width: width, height: height, minimum: lo, maximum: hi) } }
        loB.write { lo in hiB.write { hi in
            backgroundEnvelope(background, width: width, height: height, minimum: lo, maximum: hi, scratch: &scratch)
        } }
        #expect(loA.pixels == loB.pixels && hiA.pixels == hiB.pixels)
    }
}
