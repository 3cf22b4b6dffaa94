import Testing
@testable import VigieKernels

@Suite("Shadow texture test: fast versus reference, and what it tells apart")
struct ShadowTextureTests {
    static let parameters = ShadowTextureParameters(contrast256: 102, floor: 18)

    /// A background with the texture of rough ground (8.8 fixed point).
    static func ground(width: Int, height: Int, seed: UInt64) -> [UInt16] {
        var rng = SplitMix64(seed: seed)
        return (0..<width * height).map { i in
            let x = i % width, y = i / width
            return UInt16(100 + (x * 7 + y * 3) % 40 + Int(rng.next() % 9)) << 8
        }
    }

    /// Resolves every row with the fast and the reference kernel, each row's shadow marks cleared
    /// once the next row is resolved, as the model does; returns both masks and counters.
    static func resolveBoth(frame: TestImage, background: [UInt16], mask: [UInt8], counts: [UInt16],
                            _ p: ShadowTextureParameters = parameters)
        -> (fast: [UInt8], reference: [UInt8], fastCounts: [UInt16], referenceCounts: [UInt16],
            objects: (Int, Int), candidates: (Int, Int)) {
        let (w, h) = (frame.width, frame.height)
        var maskA = TestImage(width: w, height: h, fill: 0)
        for y in 0..<h { for x in 0..<w { maskA.bytes[y * maskA.stride + x] = mask[y * w + x] } }
        var maskB = maskA, countsA = counts, countsB = counts
        typealias Resolver = (Int, ImageView, UnsafePointer<UInt16>, MutableImageView, UnsafeMutablePointer<UInt16>,
                              ShadowTextureParameters) -> (candidates: Int, objects: Int)
        func run(_ resolve: Resolver, _ mask: inout TestImage, _ counts: inout [UInt16]) -> (candidates: Int, objects: Int) {
            var total = (candidates: 0, objects: 0)
            frame.read { luma in
                mask.write { m in counts.withUnsafeMutableBufferPointer { c in
                    for y in 0..<h {
                        let r = resolve(y, luma, background, m, c.baseAddress! + y * w, p)
                        total = (total.candidates + r.candidates, total.objects + r.objects)
                        if y > 0 { finishShadowRow(m.row(y - 1), width: w) }
                    }
                    if h > 0 { finishShadowRow(m.row(h - 1), width: w) }
                } }
            }
            return total
        }
        let (candidatesA, objectsA) = run({ resolveShadowRowReference(y: $0, luma: $1, background: $2, mask: $3, foregroundFrames: $4, $5) },
                                          &maskA, &countsA)
        let (candidatesB, objectsB) = run({ resolveShadowRow(y: $0, luma: $1, background: $2, mask: $3, foregroundFrames: $4, $5) },
                                          &maskB, &countsB)
        return (maskB.pixels, maskA.pixels, countsB, countsA, (objectsB, objectsA), (candidatesB, candidatesA))
    }

    @Test(arguments: [(1, 1), (2, 3), (3, 3), (15, 4), (16, 5), (17, 9), (31, 2), (33, 17), (64, 8), (65, 33), (320, 24)])
    func fastMatchesReference(width: Int, height: Int) {
        let frame = TestImage(width: width, height: height, seed: UInt64(width * 977 + height))
        var rng = SplitMix64(seed: UInt64(width + 31 * height))
        let background = (0..<width * height).map { _ in UInt16.random(in: 0...65535, using: &rng) }
        // About a third of the pixels are candidates, the rest background or foreground.
        let mask = (0..<width * height).map { _ -> UInt8 in [0, 255, shadowCandidate][Int(rng.next() % 3)] }
        let counts = (0..<width * height).map { _ in UInt16.random(in: 0...65535, using: &rng) }
        let r = Self.resolveBoth(frame: frame, background: background, mask: mask, counts: counts)
        #expect(r.fast == r.reference)
        #expect(r.fastCounts == r.referenceCounts)
        #expect(r.objects.0 == r.objects.1 && r.candidates.0 == r.candidates.1)
        #expect(r.candidates.0 == mask.filter { $0 == shadowCandidate }.count)
        #expect(!r.fast.contains(shadowCandidate) && !r.fast.contains(resolvedShadow), "every candidate is resolved")
        // Pixels that were not candidates are left alone.
        for i in mask.indices where mask[i] != shadowCandidate { #expect(r.fast[i] == mask[i] && r.fastCounts[i] == counts[i]) }
    }

    @Test func aShadowKeepsTheGroundTexture() {
        let (w, h) = (40, 30)
        let background = Self.ground(width: w, height: h, seed: 3)
        // The whole frame is the ground darkened to 55 %, plus a little noise: a cast shadow.
        var frame = TestImage(width: w, height: h, fill: 0)
        var rng = SplitMix64(seed: 4)
        for y in 0..<h { for x in 0..<w {
            frame.bytes[y * frame.stride + x] = UInt8(Double(background[y * w + x] >> 8) * 0.55) &+ UInt8(rng.next() % 3)
        } }
        let mask = [UInt8](repeating: shadowCandidate, count: w * h)
        let r = Self.resolveBoth(frame: frame, background: background, mask: mask, counts: [UInt16](repeating: 5, count: w * h))
        let objects = r.fast.filter { $0 == 255 }.count
        #expect(objects <= w * h / 50, "shadow pixels taken for an object: \(objects) of \(w * h)")
        for i in r.fast.indices where r.fast[i] == 0 { #expect(r.fastCounts[i] == 0, "a shadow's foreground counter restarts") }
    }

    @Test func aDarkObjectBringsItsOwnEdges() {
        let (w, h) = (40, 30)
        // Flat grey ground; a dark object, as dark as a shadow, with panels and an outline.
        let background = [UInt16](repeating: 140 << 8, count: w * h)
        var frame = TestImage(width: w, height: h, fill: 140)
        for y in 8..<22 { for x in 10..<30 {
            frame.bytes[y * frame.stride + x] = (x / 4 + y / 5) % 2 == 0 ? 80 : 105
        } }
        var mask = [UInt8](repeating: 0, count: w * h)
        for y in 8..<22 { for x in 10..<30 { mask[y * w + x] = shadowCandidate } }
        let r = Self.resolveBoth(frame: frame, background: background, mask: mask, counts: [UInt16](repeating: 5, count: w * h))
        let objects = r.fast.filter { $0 == 255 }.count
        // Panels 4 and 5 pixels wide: most 3x3 windows hold one of their edges.
        #expect(objects >= 14 * 20 * 6 / 10, "object pixels found: \(objects) of \(14 * 20)")
        #expect(r.fastCounts[10 * w + 10] == 6, "a candidate that is an object counts one more foreground frame")
    }

    @Test func aDarkObjectHidesTheGroundsEdges() {
        let (w, h) = (40, 30)
        // Ground with strong stripes (tiles, a lane marking); a flat dark object over it.
        var background = [UInt16](repeating: 0, count: w * h)
        for y in 0..<h { for x in 0..<w { background[y * w + x] = UInt16(x % 6 < 3 ? 120 : 200) << 8 } }
        var frame = TestImage(width: w, height: h, fill: 0)
        for y in 0..<h { for x in 0..<w { frame.bytes[y * frame.stride + x] = UInt8(background[y * w + x] >> 8) } }
        for y in 8..<22 { for x in 10..<30 { frame.bytes[y * frame.stride + x] = 90 } }
        // Its rim differs from the ground by more than a shadow could: foreground; inside, candidates.
        var mask = [UInt8](repeating: 0, count: w * h)
        for y in 8..<22 { for x in 10..<30 { mask[y * w + x] = 255 } }
        for y in 9..<21 { for x in 11..<29 { mask[y * w + x] = shadowCandidate } }
        let r = Self.resolveBoth(frame: frame, background: background, mask: mask, counts: [UInt16](repeating: 0, count: w * h))
        let objects = r.fast.filter { $0 == 255 }.count
        #expect(objects >= 12 * 18 * 9 / 10, "object pixels found: \(objects) of \(12 * 18)")
    }

    @Test func aHardShadowsOutlineIsNotAnObject() {
        // A sharp-edged shadow at 50 % on textured ground: its outline is an edge the background
        // lacks, but it lies between the shadow and the lit (background) ground, which is left out.
        let (w, h) = (40, 30)
        let background = Self.ground(width: w, height: h, seed: 5)
        var frame = TestImage(width: w, height: h, fill: 0)
        var mask = [UInt8](repeating: 0, count: w * h)
        for y in 0..<h { for x in 0..<w {
            let inside = x >= 8 && x < 32 && y >= 6 && y < 24
            frame.bytes[y * frame.stride + x] = UInt8((background[y * w + x] >> 8) / (inside ? 2 : 1))
            if inside { mask[y * w + x] = shadowCandidate }
        } }
        let r = Self.resolveBoth(frame: frame, background: background, mask: mask, counts: [UInt16](repeating: 0, count: w * h))
        let objects = r.fast.filter { $0 == 255 }.count
        #expect(objects <= 24 * 18 / 50, "shadow pixels taken for an object: \(objects) of \(24 * 18)")
    }

    @Test func flatGroundUnderAFlatShadeStaysShadow() {
        // Nothing tells a flat dark patch on flat ground from a shadow: the floor keeps it a shadow.
        let (w, h) = (20, 20)
        let background = [UInt16](repeating: 150 << 8, count: w * h)
        let frame = TestImage(width: w, height: h, fill: 90)
        let mask = [UInt8](repeating: shadowCandidate, count: w * h)
        let r = Self.resolveBoth(frame: frame, background: background, mask: mask, counts: [UInt16](repeating: 0, count: w * h))
        #expect(r.fast.allSatisfy { $0 == 0 })
    }
}
