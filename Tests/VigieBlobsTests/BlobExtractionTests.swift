import Foundation
import Testing
import VigieCore
@testable import VigieBlobs

@Suite("Blob extraction")
struct BlobExtractionTests {
    @Test func diagonallyTouchingSquaresAreOneBlob() {
        let mask = makeMask(width: 12, height: 12, rects: [PixelRect(x: 2, y: 2, width: 3, height: 3),
                                                           PixelRect(x: 5, y: 5, width: 3, height: 3)])
        var extraction = BlobExtraction()
        let blobs = extraction.process(mask)
        #expect(blobs == [Blob(area: 18, boundingBox: PixelRect(x: 2, y: 2, width: 6, height: 6),
                               centroid: PixelPoint(x: 5, y: 5), footPoint: PixelPoint(x: 5, y: 8))])
    }

    @Test func separateShapesInRasterOrder() {
        // An L (5x1 bar over a 1x3 leg on its left) and a 4x2 bar to its lower right.
        let mask = makeMask(width: 20, height: 10, rects: [PixelRect(x: 10, y: 6, width: 4, height: 2),
                                                           PixelRect(x: 1, y: 1, width: 5, height: 1),
                                                           PixelRect(x: 1, y: 2, width: 1, height: 3)])
        var extraction = BlobExtraction()
        let blobs = extraction.process(mask)
        // L: pixels x 1…5 on row 1 and x 1 on rows 2…4; sum x = 15 + 3 = 18, sum y = 5 + 9 = 14.
        let l = Blob(area: 8, boundingBox: PixelRect(x: 1, y: 1, width: 5, height: 4),
                     centroid: PixelPoint(x: 18.0 / 8 + 0.5, y: 14.0 / 8 + 0.5), footPoint: PixelPoint(x: 3.5, y: 5))
        let bar = Blob(area: 8, boundingBox: PixelRect(x: 10, y: 6, width: 4, height: 2),
                       centroid: PixelPoint(x: 12, y: 7), footPoint: PixelPoint(x: 12, y: 8))
        #expect(blobs == [l, bar])
    }

    @Test func minimumAreaFilters() {
        let mask = makeMask(width: 30, height: 30, rects: [PixelRect(x: 0, y: 0, width: 2, height: 2),
                                                           PixelRect(x: 10, y: 10, width: 5, height: 5)],
                            points: [(25, 25)])
        var extraction = BlobExtraction(minimumArea: 5)
        #expect(extraction.process(mask).map(\.area) == [25])
        extraction.minimumArea = 1
        #expect(extraction.process(mask).map(\.area) == [4, 25, 1])
    }

    @Test func emptyAndFullMasks() {
        var extraction = BlobExtraction()
        #expect(extraction.process(Mask(width: 7, height: 3)).isEmpty)
        let full = makeMask(width: 7, height: 3, rects: [PixelRect(x: 0, y: 0, width: 7, height: 3)])
        #expect(extraction.process(full) == [Blob(area: 21, boundingBox: PixelRect(x: 0, y: 0, width: 7, height: 3),
                                                  centroid: PixelPoint(x: 3.5, y: 1.5),
                                                  footPoint: PixelPoint(x: 3.5, y: 3))])
    }

    @Test func blobIsCodable() throws {
        let blob = Blob(area: 1, boundingBox: PixelRect(x: 3, y: 4, width: 1, height: 1),
                        centroid: PixelPoint(x: 3.5, y: 4.5), footPoint: PixelPoint(x: 3.5, y: 5))
        let data = try JSONEncoder().encode(blob)
        #expect(try JSONDecoder().decode(Blob.self, from: data) == blob)
    }
}
