import Testing
@testable import VigieKernels

@Suite("Tamper row statistics kernel")
struct TamperRowStatsTests {
    @Test(arguments: [(1, 1), (2, 1), (15, 4), (64, 8), (97, 8), (768, 8), (40_000, 3)])
    func fastMatchesReference(width: Int, factor: Int) {
        var rng = SplitMix64(seed: UInt64(width * 31 + factor))
        let row = (0..<width).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        // Half the previous row identical, half random.
        let previous = row.enumerated().map { i, v in i % 2 == 0 ? v : UInt8(truncatingIfNeeded: rng.next()) }
        var referencePrevious = previous, referenceBlocks = [UInt8](repeating: 0, count: width / factor)
        let expected = tamperRowStatsReference(row, previous: &referencePrevious, factor: factor, blocks: &referenceBlocks)
        var fastPrevious = previous, fastBlocks = [UInt8](repeating: 0, count: width / factor)
        let got = row.withUnsafeBufferPointer { r in
            fastPrevious.withUnsafeMutableBufferPointer { p in
                fastBlocks.withUnsafeMutableBufferPointer { b in
                    tamperRowStats(r.baseAddress!, previous: p.baseAddress!, width: width, factor: factor,
                                   blocks: b.baseAddress!)
                }
            }
        }
        #expect(got == expected)
        #expect(fastPrevious == row && referencePrevious == row)
        #expect(fastBlocks == referenceBlocks)
    }

    @Test func referenceMeasuresWhatItSays() {
        var previous: [UInt8] = [10, 20, 30, 40]
        var blocks = [UInt8](repeating: 0, count: 2)
        let stats = tamperRowStatsReference([10, 20, 30, 45], previous: &previous, factor: 2, blocks: &blocks)
        #expect(stats == TamperRowStats(gradientEnergy: 100 + 100 + 225, changed: 1))
        #expect(blocks == [15, 38])  // (10+20+1)/2, (30+45+1)/2
    }
}
