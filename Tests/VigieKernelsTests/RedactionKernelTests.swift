import Testing
@testable import VigieKernels

/// The anonymiser's per-frame kernels (Redaction.swift): every instruction-set path the processor
/// runs gives exactly what the Swift reference gives.
@Suite("Anonymiser kernels: every path = reference")
struct RedactionKernelTests {
    static let sizes = [(1, 1), (2, 3), (15, 2), (16, 3), (17, 5), (31, 4), (33, 3), (63, 2), (64, 3), (65, 4),
                        (70, 3), (127, 5), (191, 2), (192, 3), (193, 2), (385, 3), (768, 2), (1920, 2)]

    /// A luma plane with values near `around` (so both sides of every threshold occur) or anywhere.
    static func luma(_ width: Int, _ height: Int, seed: UInt64, around base: TestImage? = nil, spread: Int = 40) -> TestImage {
        var image = TestImage(width: width, height: height, seed: seed)
        guard let base else { return image }
        var rng = SplitMix64(seed: seed &+ 1)
        for i in image.bytes.indices {
            image.bytes[i] = UInt8(clamping: Int(base.bytes[i]) + Int.random(in: -spread...spread, using: &rng))
        }
        return image
    }

    @Test(arguments: KernelPath.allCases.filter(\.isSupported))
    func regionSeedMatchesReference(path: KernelPath) {
        for (w, h) in Self.sizes {
            let seed = UInt64(w * 7919 + h)
            let m = TestImage.randomMask(width: w, height: h, density: 0.2, seed: seed)
            let k = TestImage.randomMask(width: w, height: h, density: 0.7, seed: seed + 1)
            let f = Self.luma(w, h, seed: seed + 2)
            let b = Self.luma(w, h, seed: seed + 3, around: f), p = Self.luma(w, h, seed: seed + 4, around: f)
            var fast = TestImage(width: w, height: h, fill: 7), reference = fast
            var fastCount = 0, referenceCount = 0
            m.read { m in f.read { f in b.read { b in k.read { k in p.read { p in
                fastCount = fast.write { regionSeed(m, f, b, k, p, $0, threshold: 24, changed: 16, path: path) }
                referenceCount = reference.write { regionSeedReference(m, f, b, k, p, $0, threshold: 24, changed: 16) }
            } } } } }
            #expect(fast.pixels == reference.pixels, "\(w)x\(h), path \(path)")
            #expect(fastCount == referenceCount && referenceCount == m.pixels.filter { $0 == 255 }.count, "\(w)x\(h) count, path \(path)")
            #expect(w * h < 64 || (fast.pixels.contains(0) && fast.pixels.contains(255)), "\(w)x\(h): one-sided test")
        }
    }

    @Test(arguments: KernelPath.allCases.filter(\.isSupported))
    func addWhereUnknownMatchesReference(path: KernelPath) {
        for (w, h) in Self.sizes {
            let seed = UInt64(w * 31 + h)
            let wide = TestImage.randomMask(width: w, height: h, density: 0.5, seed: seed)
            let known = TestImage.randomMask(width: w, height: h, density: 0.5, seed: seed + 1)
            var fast = TestImage.randomMask(width: w, height: h, density: 0.3, seed: seed + 2), reference = fast
            wide.read { t in known.read { k in
                fast.write { addWhereUnknown(t, k, $0, path: path) }
                reference.write { addWhereUnknownReference(t, k, $0) }
            } }
            #expect(fast.pixels == reference.pixels, "\(w)x\(h), path \(path)")
        }
    }

    /// Odd widths and heights take the last column and row alone; grey values too (the kernel is a maximum).
    @Test(arguments: KernelPath.allCases.filter(\.isSupported))
    func reduce2x2MaxMatchesReference(path: KernelPath) {
        for (w, h) in Self.sizes {
            for grey in [false, true] {
                let m = grey ? TestImage(width: w, height: h, seed: UInt64(w + h))
                    : TestImage.randomMask(width: w, height: h, density: 0.1, seed: UInt64(w * 3 + h))
                var fast = TestImage(width: (w + 1) / 2, height: (h + 1) / 2, fill: 7), reference = fast
                var fastCount = 0, referenceCount = 0
                m.read { m in
                    fastCount = fast.write { reduce2x2Max(m, into: $0, path: path) }
                    referenceCount = reference.write { reduce2x2MaxReference(m, into: $0) }
                }
                #expect(fast.pixels == reference.pixels, "\(w)x\(h), grey \(grey), path \(path)")
                #expect(fastCount == referenceCount && referenceCount == m.pixels.filter { $0 >= 128 }.count,
                        "\(w)x\(h) count, grey \(grey), path \(path)")
            }
        }
    }

    @Test(arguments: KernelPath.allCases.filter(\.isSupported))
    func fillRegionMatchesReference(path: KernelPath) {
        for (w, h) in Self.sizes {
            let f = TestImage(width: w, height: h, seed: UInt64(w * 5 + h))
            let g = TestImage.randomMask(width: w, height: h, density: 0.4, seed: UInt64(w * 11 + h))
            var fast = TestImage(width: w, height: h, fill: 7), reference = fast
            f.read { f in g.read { g in
                fast.write { fillRegion(f, g, $0, 176, path: path) }
                reference.write { fillRegionReference(f, g, $0, 176) }
            } }
            #expect(fast.pixels == reference.pixels, "\(w)x\(h), path \(path)")
        }
    }

    /// Several frames in a row, the state read back each time: the blend, the newly known pixels
    /// and their per-row counts are the same.
    @Test(arguments: KernelPath.allCases.filter(\.isSupported))
    func learnEmptySceneMatchesReference(path: KernelPath) {
        for (w, h) in Self.sizes {
            var fastB = TestImage(width: w, height: h, seed: UInt64(w * 13 + h)), referenceB = fastB
            var fastK = TestImage.randomMask(width: w, height: h, density: 0.3, seed: UInt64(w * 17 + h)), referenceK = fastK
            let unknown = (0..<h).map { y in (0..<w).filter { fastK.bytes[y * fastK.stride + $0] == 0 }.count }
            var fastRows = unknown, referenceRows = unknown
            for step in 0..<4 {
                let f = Self.luma(w, h, seed: UInt64(w * 19 + h + step))
                let g = TestImage.randomMask(width: w, height: h, density: 0.5, seed: UInt64(w * 23 + h + step))
                var fastLearnt = 0, referenceLearnt = 0
                f.read { f in g.read { g in
                    fastB.write { b in fastK.write { k in fastLearnt = learnEmptyScene(f, g, b, k, unknownPerRow: &fastRows, path: path) } }
                    referenceB.write { b in referenceK.write { k in
                        referenceLearnt = learnEmptySceneReference(f, g, b, k, unknownPerRow: &referenceRows)
                    } }
                } }
                #expect(fastB.pixels == referenceB.pixels && fastK.pixels == referenceK.pixels, "\(w)x\(h) step \(step), path \(path)")
                #expect(fastLearnt == referenceLearnt && fastRows == referenceRows, "\(w)x\(h) step \(step), path \(path)")
            }
            let stillUnknown = (0..<h).map { y in (0..<w).filter { fastK.bytes[y * fastK.stride + $0] == 0 }.count }
            #expect(fastRows == stillUnknown, "\(w)x\(h): the row counts follow the known mask")
        }
    }

    /// The blend is a quarter of the way, as two byte averages rounded up: 0 → 255 gives 64, 255 → 0 gives 192.
    @Test func learningMovesAQuarterOfTheWay() {
        var b = TestImage(width: 2, height: 1, fill: 0), k = TestImage(width: 2, height: 1, fill: 255)
        b.bytes[1] = 255
        var f = TestImage(width: 2, height: 1, fill: 255)
        f.bytes[1] = 0
        let g = TestImage(width: 2, height: 1, fill: 0)
        var rows = [0]
        let learnt = f.read { f in g.read { g in b.write { b in k.write { k in learnEmptyScene(f, g, b, k, unknownPerRow: &rows) } } } }
        #expect(learnt == 0 && Array(b.pixels) == [64, 192])
    }
}
