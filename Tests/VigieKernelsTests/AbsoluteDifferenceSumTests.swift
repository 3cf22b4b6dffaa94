import Testing
@testable import VigieKernels

@Suite("Absolute difference sum kernel")
struct AbsoluteDifferenceSumTests {
    @Test(arguments: [0, 1, 7, 8, 9, 31, 32, 33, 48, 95, 96, 1_000, 6_912])
    func fastMatchesReference(count: Int) {
        var rng = SplitMix64(seed: UInt64(count) &+ 11)
        let a = (0..<count).map { _ in Float(rng.next() % 25_600) / 100 }
        let b = (0..<count).map { _ in Float(rng.next() % 25_600) / 100 }
        let expected = absoluteDifferenceSumReference(a, b)
        let got = a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in absoluteDifferenceSum(pa.baseAddress!, pb.baseAddress!, count: count) }
        }
        // Partial sums in another order: equal up to float rounding.
        #expect(abs(Double(got) - expected) <= 1e-5 * max(1, expected), "\(got) vs \(expected)")
    }

    @Test func referenceMeasuresWhatItSays() {
        #expect(absoluteDifferenceSumReference([1, 5, -2], [4, 5, 2]) == 7)
    }
}
