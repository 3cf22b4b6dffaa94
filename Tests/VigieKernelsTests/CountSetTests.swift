import Testing
@testable import VigieKernels

@Suite("Count-set kernel")
struct CountSetTests {
    @Test(arguments: [0, 1, 15, 16, 17, 63, 320, 768, 1_920, 4_081, 4_096, 70_000])
    func fastMatchesReference(width: Int) {
        var rng = SplitMix64(seed: UInt64(width) &+ 3)
        // Masks (0/255) and arbitrary bytes: only the top bit counts.
        for masks in [true, false] {
            let row = (0..<width).map { _ -> UInt8 in
                let r = UInt8(truncatingIfNeeded: rng.next())
                return masks ? (r & 1 == 0 ? 0 : 255) : r
            }
            let got = row.withUnsafeBufferPointer { countSet($0.baseAddress!, width) }
            #expect(got == countSetReference(row))
        }
    }

    @Test func allSetRowsCountEveryByteAcrossFlushes() {
        // 255 steps of 16 bytes fill the byte counters exactly: the flush must not lose any.
        let row = [UInt8](repeating: 255, count: 16 * 255 * 2 + 5)
        #expect(row.withUnsafeBufferPointer { countSet($0.baseAddress!, row.count) } == row.count)
        #expect(countSetReference([0, 127, 128, 255]) == 2)
    }
}
