import Testing
import VigieCore
@testable import VigieBlobs

/// `BlobExtraction.groupSplitting` on drawn silhouettes (debug-sized masks).
@Suite("Group splitting")
struct GroupSplittingTests {
    /// An upright person at `x`: a head, a 12x34 body and two legs, 60 pixels tall from `top`.
    static func person(x: Int, top: Int = 10) -> [PixelRect] {
        [PixelRect(x: x + 4, y: top, width: 8, height: 9),        // head
         PixelRect(x: x, y: top + 9, width: 16, height: 28),      // body and arms
         PixelRect(x: x + 1, y: top + 37, width: 5, height: 23),  // legs
         PixelRect(x: x + 10, y: top + 37, width: 5, height: 23)]
    }

    static func splitting() -> BlobExtraction {
        var extraction = BlobExtraction()
        extraction.groupSplitting = GroupSplitting()
        return extraction
    }

    /// Three people side by side, touching by their hands (one region), come out as three
    /// person-wide parts holding every pixel of the region.
    @Test func threePeopleHandInHandAreThreeParts() throws {
        var rects = Self.person(x: 10) + Self.person(x: 34) + Self.person(x: 58)
        rects += [PixelRect(x: 26, y: 30, width: 8, height: 3), PixelRect(x: 50, y: 30, width: 8, height: 3)]  // hands
        let mask = makeMask(width: 100, height: 80, rects: rects)
        var whole = BlobExtraction()
        let region = try #require(whole.process(mask).first)
        #expect(whole.process(mask).count == 1)
        var extraction = Self.splitting()
        let parts = extraction.process(mask)
        #expect(parts.count == 3, "\(parts.map(\.boundingBox))")
        #expect(parts.map(\.area).reduce(0, +) == region.area)
        for (part, x) in zip(parts, [10, 34, 58]) {
            #expect(abs(part.boundingBox.x - x) <= 8 && part.boundingBox.height == 60, "\(part.boundingBox)")
            #expect(part.boundingBox.width <= 26, "\(part.boundingBox)")
        }
        #expect(parts.map(\.boundingBox.x) == parts.map(\.boundingBox.x).sorted(), "left to right")
    }

    /// Two groups, a lone person and a car in one mask: each group is cut as it is alone (their
    /// profiles are filled in the same walk over the runs), the others stay whole, in order.
    @Test func severalGroupsInOneMaskAreCutAsAlone() throws {
        func group(at x: Int, top: Int) -> [PixelRect] {
            Self.person(x: x, top: top) + Self.person(x: x + 24, top: top) + Self.person(x: x + 48, top: top)
                + [PixelRect(x: x + 16, y: top + 20, width: 8, height: 3), PixelRect(x: x + 40, y: top + 20, width: 8, height: 3)]
        }
        let groups = group(at: 10, top: 10) + group(at: 150, top: 100)
        let others = Self.person(x: 110, top: 40) + [PixelRect(x: 100, y: 180, width: 90, height: 36)]
        var extraction = Self.splitting()
        let both = extraction.process(makeMask(width: 240, height: 240, rects: groups + others)).map(\.boundingBox)
        var alone: [PixelRect] = []
        for rects in [group(at: 10, top: 10), Self.person(x: 110, top: 40), group(at: 150, top: 100),
                      [PixelRect(x: 100, y: 180, width: 90, height: 36)]] {
            alone += extraction.process(makeMask(width: 240, height: 240, rects: rects)).map(\.boundingBox)
        }
        #expect(both.count == 8, "three, one, three and the car: \(both)")
        #expect(Set(both) == Set(alone), "\(both) vs \(alone)")
    }

    /// A car (a solid box two and a half times as wide as tall) has no valley: one blob.
    @Test func aVehicleStaysWhole() {
        let mask = makeMask(width: 120, height: 60, rects: [PixelRect(x: 10, y: 20, width: 90, height: 36),
                                                            PixelRect(x: 30, y: 8, width: 50, height: 12)])
        var extraction = Self.splitting()
        #expect(extraction.process(mask).count == 1)
    }

    /// One person, even with the gap between the legs, is not cut.
    @Test func onePersonIsOneBlob() {
        let mask = makeMask(width: 60, height: 80, rects: Self.person(x: 20))
        var extraction = Self.splitting()
        let blobs = extraction.process(mask)
        #expect(blobs.count == 1 && blobs.first?.boundingBox == PixelRect(x: 20, y: 10, width: 16, height: 60))
    }

    /// How many people a box holds: its width over a person's (0.4 of its height), at least one.
    @Test func peopleInABox() {
        let g = GroupSplitting()
        #expect(g.people(in: PixelRect(x: 0, y: 0, width: 24, height: 60)) == 1)
        #expect(g.people(in: PixelRect(x: 0, y: 0, width: 72, height: 60)) == 3)
        #expect(g.people(in: PixelRect(x: 0, y: 0, width: 500, height: 30)) == 12, "at most maximumParts")
        #expect(g.people(in: PixelRect(x: 0, y: 0, width: 200, height: 20)) == 1, "too low to hold a person's shape")
    }
}
