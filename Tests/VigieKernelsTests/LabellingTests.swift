import Testing
@testable import VigieKernels

@Suite("Connected-component labelling and region kernels")
struct LabellingTests {
    static let sizes = [(1, 1), (1, 17), (2, 2), (8, 3), (9, 7), (15, 3), (16, 16), (17, 5), (63, 9), (65, 33),
                        (320, 240)]
    static let densities = [0.05, 0.3, 0.5, 0.7, 0.95]

    /// Fast and reference labelling give the same components in the same order, and every
    /// run's pixels carry the reference label of its component.
    func expectSameLabelling(_ image: TestImage, set: Bool, connectivity: Connectivity,
                             labeller: inout ComponentLabeller) {
        let (labels, components) = image.read { labelComponentsReference($0, set: set, connectivity: connectivity) }
        image.read { labeller.label($0, set: set, connectivity: connectivity) }
        #expect(labeller.components.sorted() == components.sorted())
        #expect(labeller.components == components)
        var mismatches = 0, covered = 0
        labeller.forEachRun { y, a, b, c in
            for x in a...b where labels[y * image.width + x] != c { mismatches += 1 }
            covered += b - a + 1
        }
        #expect(mismatches == 0)
        #expect(covered == labels.filter { $0 >= 0 }.count)
        // The same mask bit-packed (bits past each row's end set, which are not pixels): the same
        // components and runs.
        var runs: [[Int]] = []
        labeller.forEachRun { runs.append([$0, $1, $2, $3]) }
        var bits = TestBits(width: image.width, height: image.height)
        bits.write { b in
            image.read { packBitsReference($0, into: b) }
            let spare = image.width & 63
            if spare != 0 { for y in 0..<image.height { b.row(y)[b.wordsPerRow - 1] |= ~0 << UInt64(spare) } }
            labeller.label(bits: b, set: set, connectivity: connectivity)
        }
        var bitRuns: [[Int]] = []
        labeller.forEachRun { bitRuns.append([$0, $1, $2, $3]) }
        #expect(labeller.components == components && bitRuns == runs, "bits, \(image.width)x\(image.height)")
    }

    @Test(arguments: sizes, densities)
    func fastMatchesReference(size: (Int, Int), density: Double) {
        let (width, height) = size
        let image = TestImage.randomMask(width: width, height: height, density: density,
                                         seed: UInt64(width * 7919 + height * 31) &+ UInt64(density * 100))
        var labeller = ComponentLabeller()
        for set in [true, false] {
            for connectivity in [Connectivity.eight, .four] {
                expectSameLabelling(image, set: set, connectivity: connectivity, labeller: &labeller)
            }
        }
    }

    @Test func rectanglesMatchReference() {
        var labeller = ComponentLabeller()
        for seed in 0..<8 as Range<UInt64> {
            let image = TestImage.rectangleMask(width: 97, height: 61, count: 25, maximumSide: 15, seed: seed)
            expectSameLabelling(image, set: true, connectivity: .eight, labeller: &labeller)
        }
    }

    @Test func buffersAreReusedAcrossSizes() {
        var labeller = ComponentLabeller()
        for (w, h) in [(320, 240), (17, 5), (320, 240), (1, 1), (65, 33)] {
            let image = TestImage.randomMask(width: w, height: h, density: 0.5, seed: UInt64(w + h))
            expectSameLabelling(image, set: true, connectivity: .eight, labeller: &labeller)
        }
    }

    @Test func diagonalTouchJoinsOnlyWithEightConnectivity() {
        var image = TestImage(width: 4, height: 4, fill: 0)
        image.bytes[1 * image.stride + 1] = 255
        image.bytes[2 * image.stride + 2] = 255
        var labeller = ComponentLabeller()
        image.read { labeller.label($0, connectivity: .eight) }
        #expect(labeller.components == [ComponentStatistics(run: 1, 1, row: 1).adding(run: 2, 2, row: 2)])
        image.read { labeller.label($0, connectivity: .four) }
        #expect(labeller.components.count == 2)
    }

    @Test(arguments: sizes, densities)
    func fillHolesMatchesReference(size: (Int, Int), density: Double) {
        let (width, height) = size
        var fast = TestImage.randomMask(width: width, height: height, density: density, seed: UInt64(width + height))
        var reference = fast
        var labeller = ComponentLabeller()
        fast.write { fillHoles($0, labeller: &labeller) }
        reference.write { fillHolesReference($0) }
        #expect(fast.pixels == reference.pixels)
    }

    @Test(arguments: sizes, [0, 2, 5, 40])
    func removeSmallRegionsMatchesReference(size: (Int, Int), minimumArea: Int) {
        let (width, height) = size
        var labeller = ComponentLabeller()
        for density in [0.3, 0.6] {
            var fast = TestImage.randomMask(width: width, height: height, density: density,
                                            seed: UInt64(width * 3 + height + minimumArea))
            var reference = fast
            fast.write { removeSmallRegions($0, minimumArea: minimumArea, labeller: &labeller) }
            reference.write { removeSmallRegionsReference($0, minimumArea: minimumArea) }
            #expect(fast.pixels == reference.pixels, "density \(density)")
        }
    }
}

extension ComponentStatistics {
    func adding(run a: Int, _ b: Int, row y: Int) -> Self {
        var copy = self
        copy.add(run: a, b, row: y)
        return copy
    }
}
