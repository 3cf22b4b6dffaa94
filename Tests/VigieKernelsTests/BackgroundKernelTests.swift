import Testing
@testable import VigieKernels

@Suite("Background model kernels: fast versus reference")
struct BackgroundKernelTests {
    static let widths = [1, 2, 15, 16, 17, 31, 33, 63, 64, 65, 320]

    static let parameters = AdaptiveParameters(
        deviationScale16: 56, minimumThreshold: 10, maximumThreshold: 48, chromaThreshold: 12,
        shadowLow: 115, shadowHigh: 238, shadowChroma: 8, backgroundStep: 85, foregroundStep: 3,
        deviationStep: 34, absorbAfterFrames: 3)

    /// Widths for the dispatched kernels: every width up to 70 (each vector tail, 16 to 64
    /// lanes), odd widths around vector multiples, and whole camera rows.
    static let dispatchedWidths = Array(1...70) + [127, 129, 255, 257, 639, 641, 1279, 1919, 1920]

    /// Every kernel path this processor runs (baseline always), each compared with the reference.
    static var paths: [KernelPath] { KernelPath.allCases.filter(\.isSupported) }

    @Test(arguments: paths)
    func adaptiveRowMatchesReference(path: KernelPath) {
        var candidates = 0
        for width in Self.dispatchedWidths {
            var rng = SplitMix64(seed: UInt64(width))
            func bytes(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) } }
            func words(_ n: Int, _ r: ClosedRange<UInt16>) -> [UInt16] {
                (0..<n).map { _ in UInt16.random(in: r, using: &rng) }
            }
            let luma = bytes(width)
            let chroma = (0..<width).map { _ in UInt8.random(in: 0...30, using: &rng) }
            var lo = bytes(width), hi = bytes(width)
            for i in 0..<width where lo[i] > hi[i] { (lo[i], hi[i]) = (hi[i], lo[i]) }
            var bgA = words(width, 0...65535), devA = words(width, 0...20000), countA = words(width, 0...6)
            // Counters at the saturation edge too.
            for i in stride(from: 0, to: width, by: 7) { countA[i] = 65534 + UInt16(i % 2) }
            var bgB = bgA, devB = devA, countB = countA
            var maskA = [UInt8](repeating: 7, count: width), maskB = maskA
            let halved = chroma.enumerated().filter { $0.offset % 2 == 0 }.map(\.element) + [0]
            let wide = (0..<width).map { chroma[($0 >> 1) * 2] }
            for marking in [false, true] {
                var p = Self.parameters
                p.marksShadowCandidates = marking
                // Several frames in a row, so the state each version writes is read back.
                for _ in 0..<3 {
                    adaptiveRowReference(luma: luma, chromaDistance: halved, envelopeMin: lo, envelopeMax: hi,
                                         background: &bgA, deviation: &devA, foregroundFrames: &countA,
                                         mask: &maskA, width: width, p)
                    let set = adaptiveRow(luma: luma, chromaWide: wide, envelopeMin: lo, envelopeMax: hi,
                                          background: &bgB, deviation: &devB, foregroundFrames: &countB, mask: &maskB,
                                          width: width, p, path: path)
                    #expect(set == countSetReference(maskB), "foreground count, width \(width), path \(path)")
                }
            }
            #expect(maskA == maskB, "mask, width \(width), path \(path)")
            #expect(bgA == bgB, "background, width \(width), path \(path)")
            #expect(devA == devB, "deviation, width \(width), path \(path)")
            #expect(countA == countB, "counters, width \(width), path \(path)")
            #expect(maskA.allSatisfy { $0 == 0 || $0 == 255 || $0 == shadowCandidate })
            candidates += maskA.filter { $0 == shadowCandidate }.count
        }
        // The random rows exercise every decision, shadow candidates included.
        #expect(candidates > 100, "\(candidates) shadow candidates over every width")
    }

    @Test(arguments: paths)
    func chromaRowsMatchReference(path: KernelPath) {
        for width in Self.dispatchedWidths {
            var rng = SplitMix64(seed: UInt64(5000 + width))
            let cb = (0..<width).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let cr = (0..<width).map { _ in UInt8.random(in: 0...255, using: &rng) }
            var bcbA = (0..<width).map { _ in UInt16.random(in: 0...65535, using: &rng) }
            var bcrA = (0..<width).map { _ in UInt16.random(in: 0...65535, using: &rng) }
            let mask = (0..<2 * width).map { _ in [0, 1, 127, 128, 255][Int.random(in: 0..<5, using: &rng)] as UInt8 }
            var bcbB = bcbA, bcrB = bcrA
            var outA = [UInt8](repeating: 3, count: 2 * width), outB = outA
            for _ in 0..<3 {
                chromaRowReference(cb: cb, cr: cr, backgroundCb: bcbA, backgroundCr: bcrA, out: &outA, width: width)
                chromaRow(cb: cb, cr: cr, backgroundCb: &bcbB, backgroundCr: &bcrB, out: &outB, width: width, path: path)
                #expect(outA == outB, "distance, width \(width), path \(path)")
                chromaUpdateRowReference(cb: cb, cr: cr, backgroundCb: &bcbA, backgroundCr: &bcrA, lumaMask: mask,
                                         width: width, backgroundStep: 85, foregroundStep: 3)
                chromaUpdateRow(cb: cb, cr: cr, backgroundCb: &bcbB, backgroundCr: &bcrB, lumaMask: mask, width: width,
                                backgroundStep: 85, foregroundStep: 3, path: path)
            }
            #expect(bcbA == bcbB && bcrA == bcrB, "chroma backgrounds, width \(width), path \(path)")
        }
    }

    @Test(arguments: paths)
    func sigmaDeltaRowsMatchReferenceOnEveryPath(path: KernelPath) {
        for width in Self.dispatchedWidths {
            var rng = SplitMix64(seed: UInt64(9000 + width))
            func bytes(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) } }
            let luma = bytes(width), chroma = bytes(width), cb = bytes(width), cr = bytes(width)
            var mA = bytes(width), vA = bytes(width), mB = mA, vB = vA
            var cbA = bytes(width), crA = bytes(width), cbB = cbA, crB = crA
            var maskA = [UInt8](repeating: 0, count: width), maskB = maskA
            var wideA = [UInt8](repeating: 0, count: 2 * width), wideB = wideA
            for _ in 0..<3 {
                sigmaDeltaRowReference(luma, chromaWide: chroma, background: &mA, variance: &vA, mask: &maskA,
                                       width: width, minimumVariance: 12, maximumVariance: 80, chromaThreshold: 16)
                sigmaDeltaRow(luma, chromaWide: chroma, background: &mB, variance: &vB, mask: &maskB, width: width,
                              minimumVariance: 12, maximumVariance: 80, chromaThreshold: 16, path: path)
                sigmaDeltaChromaRowReference(cb: cb, cr: cr, backgroundCb: &cbA, backgroundCr: &crA, out: &wideA,
                                             width: width)
                sigmaDeltaChromaRow(cb: cb, cr: cr, backgroundCb: &cbB, backgroundCr: &crB, out: &wideB,
                                    width: width, path: path)
            }
            #expect(maskA == maskB && mA == mB && vA == vB, "sigma-delta row, width \(width), path \(path)")
            #expect(cbA == cbB && crA == crB && wideA == wideB, "sigma-delta chroma, width \(width), path \(path)")
        }
    }

    @Test(arguments: paths)
    func envelopeMatchesReferenceOnEveryPath(path: KernelPath) {
        for (width, height) in [(1, 1), (1, 4), (2, 3), (17, 9), (65, 33), (127, 3), (129, 5), (1920, 4)] {
            var rng = SplitMix64(seed: UInt64(width * 17 + height))
            let background = (0..<width * height).map { _ in UInt16.random(in: 0...65535, using: &rng) }
            var loA = TestImage(width: width, height: height, fill: 0), hiA = loA, loB = loA, hiB = loA
            var scratch = [UInt8](repeating: 0, count: 7 * width + 64)
            loA.write { lo in hiA.write { hi in
                backgroundEnvelopeReference(background, width: width, height: height, minimum: lo, maximum: hi)
            } }
            loB.write { lo in hiB.write { hi in
                backgroundEnvelope(background, width: width, height: height, minimum: lo, maximum: hi,
                                   scratch: &scratch, path: path)
            } }
            #expect(loA.pixels == loB.pixels && hiA.pixels == hiB.pixels, "\(width)x\(height), path \(path)")
        }
    }

    @Test func pathChoice() {
        #expect(KernelPath.baseline.isSupported)
        #expect(KernelPath.inUse.isSupported)
        #if arch(x86_64)
        // AVX-512 implies AVX2 here (the AVX-512 path needs both).
        if KernelPath.avx512.isSupported { #expect(KernelPath.avx2.isSupported) }
        #else
        #expect(!KernelPath.avx2.isSupported && !KernelPath.avx512.isSupported, "x86-64 paths on another architecture")
        #endif
        // Without VIGIE_CPU the best supported path is used.
        if KernelPath.requestedName == nil {
            #expect(KernelPath.inUse == Self.paths.last)
        }
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
