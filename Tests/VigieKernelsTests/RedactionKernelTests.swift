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

    /// With the known mask and previous frame, and without (the empty scene known everywhere).
    @Test(arguments: KernelPath.allCases.filter(\.isSupported))
    func regionSeedBitsMatchesReference(path: KernelPath) {
        for (w, h) in Self.sizes {
            let seed = UInt64(w * 7919 + h)
            let m = TestImage.randomMask(width: w, height: h, density: 0.2, seed: seed)
            var k = TestBits(width: w, height: h, seed: seed + 1, density: 0.7)
            let f = Self.luma(w, h, seed: seed + 2)
            let b = Self.luma(w, h, seed: seed + 3, around: f), p = Self.luma(w, h, seed: seed + 4, around: f)
            // The foreground as bits too, with the bits past each row's end set (a dilation leaves some).
            var mBits = TestBits(width: w, height: h)
            m.read { m in mBits.write { bits in
                for y in 0..<h {
                    for x in 0..<w { bits[x, y] = m[x, y] >= 128 }
                    if w & 63 != 0 { bits.row(y)[bits.wordsPerRow - 1] |= ~0 << UInt64(w & 63) }
                }
            } }
            for (allKnown, asBits) in [(false, false), (true, false), (false, true), (true, true)] {
                var fast = TestBits(width: w, height: h, fill: 0x5555_5555_5555_5555), reference = TestBits(width: w, height: h)
                var fastCount = 0, referenceCount = 0
                m.read { m in f.read { f in b.read { b in k.write { k in p.read { p in mBits.write { bits in
                    let (known, previous) = allKnown ? (nil, nil) : (Optional(k), Optional(p))
                    fastCount = fast.write {
                        regionSeedBits(m, f, b, known, previous, $0, threshold: 24, changed: 16,
                                       foregroundBits: asBits ? bits : nil, path: path)
                    }
                    referenceCount = reference.write {
                        regionSeedBitsReference(m, f, b, known, previous, $0, threshold: 24, changed: 16)
                    }
                } } } } } }
                #expect(fast.words == reference.words,
                        "\(w)x\(h), all known \(allKnown), bits \(asBits), path \(path): bits past the row's end are 0")
                #expect(fastCount == referenceCount && referenceCount == m.pixels.filter { $0 == 255 }.count,
                        "\(w)x\(h) count, path \(path)")
                #expect(w * h < 64 || (fast.pixels.contains(false) && fast.pixels.contains(true)), "\(w)x\(h): one-sided test")
            }
        }
    }

    /// Small and wide margins, past one word; sparse and dense masks; tall enough for windows
    /// across two blocks of the wide radii's block ORs (clipped at the top, the bottom, and not).
    @Test(arguments: KernelPath.allCases.filter(\.isSupported))
    func dilateBitsMatchesReference(path: KernelPath) {
        var scratch = KernelScratch()
        let cases = Self.sizes.map { ($0.0, $0.1, [0, 1, 3, 4, 12, 63, 70]) }
            + [(70, 40), (130, 77), (64, 26), (200, 151)].map { ($0.0, $0.1, [4, 12]) }
        for (w, h, radii) in cases {
            for radius in radii {
                for density in [0.002, 0.01, 0.3] {
                    let mask = TestImage.randomMask(width: w, height: h, density: density, seed: UInt64(w * 41 + h + radius))
                    var source = TestBits(width: w, height: h)
                    source.write { bits in mask.read { m in for y in 0..<h { for x in 0..<w { bits[x, y] = m[x, y] != 0 } } } }
                    var fast = TestBits(width: w, height: h, fill: 0x5555_5555_5555_5555), reference = TestBits(width: w, height: h)
                    var input = source
                    input.write { s in
                        fast.write { dilateBits(s, into: $0, radius: radius, scratch: &scratch, path: path) }
                        reference.write { dilateBitsReference(s, into: $0, radius: radius) }
                    }
                    #expect(fast.pixels == reference.pixels, "\(w)x\(h), radius \(radius), density \(density), path \(path)")
                }
            }
        }
    }

    @Test(arguments: KernelPath.allCases.filter(\.isSupported))
    func unpackBitsMatchesReference(path: KernelPath) {
        for (w, h) in Self.sizes {
            var bits = TestBits(width: w, height: h, seed: UInt64(w * 29 + h), density: 0.3)
            var fast = TestImage(width: w, height: h, fill: 7), reference = fast
            bits.write { b in
                fast.write { unpackBits(b, into: $0, path: path) }
                reference.write { unpackBitsReference(b, into: $0) }
            }
            #expect(fast.pixels == reference.pixels, "\(w)x\(h), path \(path)")
            #expect(w * h < 64 || (fast.pixels.contains(0) && fast.pixels.contains(255)), "\(w)x\(h): one-sided test")
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

    /// Only the pixels not known yet (on the rows that still hold some) are learnt when `everyRow` is false.
    @Test func learningSkipsKnownRowsBetweenIntervals() {
        var b = TestImage(width: 40, height: 2, fill: 100), k = TestBits(width: 40, height: 2)
        k.write { k in for x in 0..<40 { k[x, 0] = true; k[x, 1] = x >= 5 } }
        let f = TestImage(width: 40, height: 2, fill: 200)
        var g = TestBits(width: 40, height: 2)
        var rows = [0, 5]
        let learnt = f.read { f in g.write { g in b.write { b in k.write { k in
            learnEmptyScene(f, g, b, k, unknownPerRow: &rows, everyRow: false)
        } } } }
        #expect(learnt == 5 && rows == [0, 0])
        #expect((0..<40).allSatisfy { b.bytes[$0] == 100 }, "the known row is not learnt")
        #expect((0..<40).allSatisfy { b.bytes[b.stride + $0] == ($0 < 5 ? 200 : 100) },
                "the unknown pixels are, the known ones of their row wait")
    }

    /// A row known everywhere reads neither the known mask nor the previous frame: the same seed.
    @Test(arguments: KernelPath.allCases.filter(\.isSupported))
    func regionSeedBitsSkipsKnownRows(path: KernelPath) {
        let (w, h) = (193, 4)
        let m = TestImage.randomMask(width: w, height: h, density: 0.2, seed: 5)
        var k = TestBits(width: w, height: h, seed: 6, density: 0.7)
        k.write { k in for x in 0..<w { k[x, 0] = true; k[x, 2] = true } }  // rows 0 and 2 known everywhere
        let f = Self.luma(w, h, seed: 7)
        let b = Self.luma(w, h, seed: 8, around: f), p = Self.luma(w, h, seed: 9, around: f)
        let knownPixels = k.pixels
        let unknown = (0..<h).map { y in (0..<w).filter { !knownPixels[y * w + $0] }.count }
        var fast = TestBits(width: w, height: h), reference = TestBits(width: w, height: h)
        m.read { m in f.read { f in b.read { b in k.write { k in p.read { p in
            fast.write { regionSeedBits(m, f, b, k, p, $0, threshold: 24, changed: 16, unknownPerRow: unknown, path: path) }
            reference.write { regionSeedBitsReference(m, f, b, k, p, $0, threshold: 24, changed: 16) }
        } } } } }
        #expect(unknown[0] == 0 && unknown[1] > 0 && fast.words == reference.words, "path \(path)")
    }

    @Test func addWideWhereUnknownMatchesReference() {
        for (w, h) in Self.sizes {
            let seed = UInt64(w * 37 + h)
            var known = TestBits(width: w, height: h, seed: seed, density: 0.5)
            var wide = TestBits(width: w, height: h, seed: seed + 1, density: 0.5)
            wide.write { t in for y in 0..<h where y % 3 == 0 { t.row(y).update(repeating: 0, count: t.wordsPerRow) } }
            var fast = TestBits(width: w, height: h, seed: seed + 2, density: 0.2), reference = fast
            known.write { k in wide.write { t in
                fast.write { addWideWhereUnknown($0, wide: t, known: k) }
                reference.write { addWideWhereUnknownReference($0, wide: t, known: k) }
            } }
            #expect(fast.pixels == reference.pixels, "\(w)x\(h)")
            #expect(w * h < 64 || fast.pixels != TestBits(width: w, height: h, seed: seed + 2, density: 0.2).pixels,
                    "\(w)x\(h): something was added")
        }
    }

    /// `allSet` over rectangles across words, with one clear pixel moved around them.
    @Test func allSetFindsTheClearPixel() {
        var bits = TestBits(width: 150, height: 5, fill: ~0)
        bits.write { b in
            #expect(b.allSet(0, 0, width: 150, height: 5) && b.allSet(60, 1, width: 10, height: 3))
            b[64, 2] = false
            #expect(!b.allSet(0, 0, width: 150, height: 5) && !b.allSet(60, 1, width: 10, height: 3)
                    && !b.allSet(64, 2, width: 1, height: 1))
            #expect(b.allSet(0, 0, width: 64, height: 5) && b.allSet(65, 0, width: 85, height: 5)
                    && b.allSet(60, 3, width: 10, height: 2) && b.allSet(3, 3, width: 0, height: 1))
        }
    }

    @Test(arguments: KernelPath.allCases.filter(\.isSupported))
    func fillRegionFromBitsMatchesReference(path: KernelPath) {
        for (w, h) in Self.sizes {
            let f = TestImage(width: w, height: h, seed: UInt64(w * 5 + h))
            var g = TestBits(width: w, height: h, seed: UInt64(w * 11 + h), density: 0.4)
            g.write { g in for y in 0..<h where y % 2 == 0 { g.row(y).update(repeating: 0, count: g.wordsPerRow) } }
            var fast = TestImage(width: w, height: h, fill: 7), reference = fast
            f.read { f in g.write { g in
                fast.write { fillRegion(f, bits: g, $0, 176, path: path) }
                reference.write { fillRegionReference(f, bits: g, $0, 176) }
            } }
            #expect(fast.pixels == reference.pixels, "\(w)x\(h), path \(path)")
        }
    }

    /// Bits past the last pixel of a row (a dilation leaves some) are not counted and colour nothing.
    @Test(arguments: KernelPath.allCases.filter(\.isSupported))
    func reduce2x2MaxFromBitsMatchesReference(path: KernelPath) {
        for (w, h) in Self.sizes {
            var g = TestBits(width: w, height: h, seed: UInt64(w * 3 + h), density: 0.1)
            g.write { g in
                let spare = w & 63
                if spare != 0 { for y in 0..<h { g.row(y)[g.wordsPerRow - 1] |= ~0 << UInt64(spare) } }
                for y in 0..<h where y % 4 == 1 { g.row(y).update(repeating: 0, count: g.wordsPerRow) }
            }
            var fast = TestBits(width: (w + 1) / 2, height: (h + 1) / 2, fill: 0x5555_5555_5555_5555)
            var reference = TestBits(width: (w + 1) / 2, height: (h + 1) / 2)
            var fastCount = 0, referenceCount = 0
            g.write { g in
                fastCount = fast.write { reduce2x2Max(bits: g, into: $0, path: path) }
                // Without counting: the same bits.
                var uncounted = TestBits(width: (w + 1) / 2, height: (h + 1) / 2, fill: 0x5555_5555_5555_5555)
                #expect(uncounted.write { reduce2x2Max(bits: g, into: $0, counting: false, path: path) } == 0)
                #expect(uncounted.words == fast.words, "\(w)x\(h), path \(path): without counting")
                referenceCount = reference.write { reduce2x2MaxReference(bits: g, into: $0) }
                #expect(referenceCount == (0..<h).reduce(0) { n, y in n + (0..<w).filter { g[$0, y] }.count }, "\(w)x\(h): count")
            }
            #expect(fast.words == reference.words && fastCount == referenceCount,
                    "\(w)x\(h), path \(path): bits past the chroma row's end are 0")
        }
    }

    @Test func bitRowsFillSetsExactlyTheRectangle() {
        for (x, width) in [(0, 1), (3, 61), (60, 10), (63, 1), (64, 64), (5, 190)] {
            var bits = TestBits(width: 200, height: 3)
            bits.write { $0.fill(x, 1, width: width, height: 2) }
            let expected = (0..<3).flatMap { y in (0..<200).map { y >= 1 && $0 >= x && $0 < x + width } }
            #expect(bits.pixels == expected, "x \(x), width \(width)")
            #expect(bits.write { $0.count } == 2 * width)
        }
    }

    /// Several frames in a row, the state read back each time: the blend, the newly known pixels
    /// and their per-row counts are the same.
    @Test(arguments: KernelPath.allCases.filter(\.isSupported))
    func learnEmptySceneMatchesReference(path: KernelPath) {
        for (w, h) in Self.sizes {
            var fastB = TestImage(width: w, height: h, seed: UInt64(w * 13 + h)), referenceB = fastB
            var fastK = TestBits(width: w, height: h, seed: UInt64(w * 17 + h), density: 0.3), referenceK = fastK
            let initiallyKnown = fastK.pixels
            let unknown = (0..<h).map { y in (0..<w).filter { !initiallyKnown[y * w + $0] }.count }
            var fastRows = unknown, referenceRows = unknown
            for step in 0..<4 {
                let everyRow = step % 2 == 0
                let f = Self.luma(w, h, seed: UInt64(w * 19 + h + step))
                var g = TestBits(width: w, height: h, seed: UInt64(w * 23 + h + step), density: 0.5)
                // Whole 32-pixel stretches redacted (the kernel skips them) as well as mixed ones.
                g.write { g in if h > 1 { g.fill(0, 1, width: w, height: 1) } }
                var fastLearnt = 0, referenceLearnt = 0
                f.read { f in g.write { g in
                    fastB.write { b in fastK.write { k in fastLearnt = learnEmptyScene(f, g, b, k, unknownPerRow: &fastRows, everyRow: everyRow, path: path)
                    } }
                    referenceB.write { b in referenceK.write { k in
                        referenceLearnt = learnEmptySceneReference(f, g, b, k, unknownPerRow: &referenceRows, everyRow: everyRow)
                    } }
                } }
                #expect(fastB.pixels == referenceB.pixels && fastK.pixels == referenceK.pixels,
                        "\(w)x\(h) step \(step), every row \(everyRow), path \(path)")
                #expect(fastLearnt == referenceLearnt && fastRows == referenceRows, "\(w)x\(h) step \(step), path \(path)")
            }
            let finallyKnown = fastK.pixels
            let stillUnknown = (0..<h).map { y in (0..<w).filter { !finallyKnown[y * w + $0] }.count }
            #expect(fastRows == stillUnknown, "\(w)x\(h): the row counts follow the known mask")
        }
    }

    /// The blend is a quarter of the way, as two byte averages rounded up: 0 → 255 gives 64, 255 → 0 gives 192.
    @Test func learningMovesAQuarterOfTheWay() {
        var b = TestImage(width: 2, height: 1, fill: 0), k = TestBits(width: 2, height: 1, fill: ~0)
        b.bytes[1] = 255
        var f = TestImage(width: 2, height: 1, fill: 255)
        f.bytes[1] = 0
        var g = TestBits(width: 2, height: 1)
        var rows = [0]
        let learnt = f.read { f in g.write { g in b.write { b in k.write { k in learnEmptyScene(f, g, b, k, unknownPerRow: &rows) } } } }
        #expect(learnt == 0 && Array(b.pixels) == [64, 192])
    }
}

/// Bit rows a test owns: `BitRows` over an array of words.
struct TestBits {
    let width: Int, height: Int
    var words: [UInt64]

    init(width: Int, height: Int, fill: UInt64 = 0) {
        self.width = width
        self.height = height
        words = [UInt64](repeating: fill, count: max(1, BitRows.wordsPerRow(width: width) * height))
    }

    /// Random bits, each set with probability `density`.
    init(width: Int, height: Int, seed: UInt64, density: Double) {
        self.init(width: width, height: height)
        let mask = TestImage.randomMask(width: width, height: height, density: density, seed: seed)
        write { bits in mask.read { m in for y in 0..<height { for x in 0..<width { bits[x, y] = m[x, y] != 0 } } } }
    }

    @discardableResult
    mutating func write<R>(_ body: (BitRows) -> R) -> R {
        let (w, h) = (width, height)
        return words.withUnsafeMutableBufferPointer { body(BitRows(base: $0.baseAddress!, width: w, height: h)) }
    }

    /// The pixels, row by row (bits past the end of a row left out).
    var pixels: [Bool] {
        var copy = self
        return copy.write { bits in (0..<height).flatMap { y in (0..<width).map { bits[$0, y] } } }
    }
}
