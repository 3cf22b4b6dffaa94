import Testing
@testable import VigieCore
@testable import VigieEvaluation

@Suite("BMP reader")
struct BMPReaderTests {
    static let palette: [(UInt8, UInt8, UInt8)] = [(255, 255, 255), (0, 0, 0), (85, 85, 85), (200, 100, 50)]
    static let greys: [UInt8] = [255, 0, 85, 124]
    /// 5x3 indices: rows of 5 bytes are padded to 8.
    static let indices: [UInt8] = [0, 1, 2, 3, 0,
                                   1, 1, 2, 2, 3,
                                   3, 0, 0, 1, 2]

    @Test("8-bit palette, bottom-up and top-down, padded rows", arguments: [false, true])
    func paletted(topDown: Bool) throws {
        let bmp = TestBMP.encode(width: 5, height: 3, bitCount: 8, pixels: Self.indices, palette: Self.palette,
                                 topDown: topDown)
        let plane = try BMPReader.read(bmp)
        #expect(plane.width == 5 && plane.height == 3)
        #expect(plane.packedPixels == Self.indices.map { Self.greys[Int($0)] })
    }

    @Test("24-bit, bottom-up, padded rows")
    func trueColour() throws {
        let bgr: [UInt8] = Self.indices.flatMap { i in
            let (r, g, b) = Self.palette[Int(i)]
            return [b, g, r]
        }
        let bmp = TestBMP.encode(width: 5, height: 3, bitCount: 24, pixels: bgr)
        #expect(try BMPReader.read(bmp).packedPixels == Self.indices.map { Self.greys[Int($0)] })
    }

    @Test("Truncated, unsupported and out-of-palette bitmaps are typed errors")
    func errors() {
        let bmp = TestBMP.encode(width: 5, height: 3, bitCount: 8, pixels: Self.indices, palette: Self.palette)
        for length in [0, 2, 20, 60, bmp.count - 9] {
            #expect(throws: EvaluationError.self) { try BMPReader.read(Array(bmp.prefix(length)), path: "roi.bmp") }
        }
        var compressed = bmp
        compressed[30] = 1  // BI_RLE8
        #expect(throws: EvaluationError.invalidImage(
            path: "roi.bmp", reason: "compression 1 is not supported; only uncompressed bitmaps are")) {
            try BMPReader.read(compressed, path: "roi.bmp")
        }
        let shortPalette = TestBMP.encode(width: 5, height: 3, bitCount: 8, pixels: Self.indices,
                                          palette: Array(Self.palette.prefix(2)))
        #expect(throws: EvaluationError.self) { try BMPReader.read(shortPalette) }
        var random = TestRandom(state: 42)
        for _ in 0..<300 {
            var mutant = bmp
            mutant[random.below(54)] = UInt8(random.below(256))
            _ = try? BMPReader.read(mutant)  // must not trap
        }
    }
}
