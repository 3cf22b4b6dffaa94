import Testing
@testable import VigieCore
@testable import VigieEvaluation

@Suite("PNG decoder")
struct PNGDecoderTests {
    /// Greyscale pixels with edges and wrap-around, so every filter predicts something non-trivial.
    static func greyPixels(width: Int, height: Int) -> [UInt8] {
        (0..<width * height).map { i in UInt8(truncatingIfNeeded: (i % width) * 37 + (i / width) * 91 + (i * i) % 13) }
    }

    static func rows(_ pixels: [UInt8], rowBytes: Int) -> [[UInt8]] {
        stride(from: 0, to: pixels.count, by: rowBytes).map { Array(pixels[$0..<$0 + rowBytes]) }
    }

    @Test("Greyscale with one filter type", arguments: [UInt8(0), 1, 2, 3, 4])
    func greyscaleFilter(filter: UInt8) throws {
        let width = 7, height = 5
        let pixels = Self.greyPixels(width: width, height: height)
        let png = TestPNG.encode(width: width, height: height, colourType: 0,
                                 rows: Self.rows(pixels, rowBytes: width), filters: [filter])
        let plane = try PNGDecoder.decode(png)
        #expect(plane.width == width && plane.height == height)
        #expect(plane.packedPixels == pixels)
    }

    @Test("Greyscale, all filters mixed, IDAT split in small chunks",
          arguments: [(1, 1), (3, 7), (16, 5), (33, 9)])
    func greyscaleMixed(width: Int, height: Int) throws {
        let pixels = Self.greyPixels(width: width, height: height)
        let png = TestPNG.encode(width: width, height: height, colourType: 0, rows: Self.rows(pixels, rowBytes: width),
                                 filters: [4, 3, 2, 1, 0], idatChunkSize: 7)
        #expect(try PNGDecoder.decode(png).packedPixels == pixels)
    }

    @Test("Palette images map indices through PLTE", arguments: [UInt8(0), 1, 2, 3, 4])
    func palette(filter: UInt8) throws {
        let width = 6, height = 4
        // CDnet labels as grey entries, then a colour that is not grey (converted to luma).
        let palette: [(UInt8, UInt8, UInt8)] = [(0, 0, 0), (50, 50, 50), (85, 85, 85), (170, 170, 170),
                                                 (255, 255, 255), (200, 100, 50)]
        let greys: [UInt8] = [0, 50, 85, 170, 255, 124]  // 0.299*200 + 0.587*100 + 0.114*50 = 124.3
        let indices = (0..<width * height).map { UInt8(($0 * 7 + $0 / width) % palette.count) }
        let png = TestPNG.encode(width: width, height: height, colourType: 3, rows: Self.rows(indices, rowBytes: width),
                                 filters: [filter, 0], palette: palette)
        #expect(try PNGDecoder.decode(png).packedPixels == indices.map { greys[Int($0)] })
    }

    @Test("RGB, RGBA and grey+alpha convert to grey, all filters", arguments: [UInt8(2), 4, 6])
    func colour(colourType: UInt8) throws {
        let width = 5, height = 5
        let channels = [2: 3, 4: 2, 6: 4][Int(colourType)] ?? 1
        var data: [UInt8] = []
        var expected: [UInt8] = []
        for i in 0..<width * height {
            let v = UInt8(truncatingIfNeeded: i * 29)
            let isGrey = i % 3 == 0
            switch colourType {
            case 4:
                data += [v, UInt8(truncatingIfNeeded: i * 5)]
                expected.append(v)
            default:
                let (r, g, b) = isGrey ? (v, v, v) : (v, v &+ 40, v &- 20)
                data += [r, g, b] + (colourType == 6 ? [UInt8(truncatingIfNeeded: i)] : [])
                let luma = (299 * Int(r) + 587 * Int(g) + 114 * Int(b) + 500) / 1000
                expected.append(isGrey ? r : UInt8(luma))
            }
        }
        let png = TestPNG.encode(width: width, height: height, colourType: colourType,
                                 rows: Self.rows(data, rowBytes: width * channels), filters: [0, 1, 2, 3, 4])
        #expect(try PNGDecoder.decode(png).packedPixels == expected)
    }

    // MARK: - Errors

    /// A valid 9x6 greyscale PNG using every filter type.
    static let valid = TestPNG.encode(width: 9, height: 6, colourType: 0,
                                      rows: rows(greyPixels(width: 9, height: 6), rowBytes: 9),
                                      filters: [0, 1, 2, 3, 4])

    /// The reason of the `invalidImage` error decoding `bytes` throws, or nil when it decodes.
    static func failure(_ bytes: [UInt8], checksCRC: Bool = true) -> String? {
        do {
            _ = try PNGDecoder.decode(bytes, path: "test.png", checksCRC: checksCRC)
            return nil
        } catch {
            #expect(error.description.hasPrefix("test.png: invalid image: "))
            return error.invalidImageReason ?? "not invalidImage: \(error)"
        }
    }

    @Test("Unsupported and malformed headers are typed errors")
    func unsupported() {
        let rows = [[UInt8]](repeating: [1, 2, 3, 4], count: 4)
        let interlaced = TestPNG.encode(width: 4, height: 4, colourType: 0, rows: rows, interlace: 1)
        #expect(Self.failure(interlaced)?.contains("interlaced") == true)
        let deep = TestPNG.encode(width: 2, height: 4, colourType: 0, rows: rows, bitDepth: 16)
        #expect(Self.failure(deep)?.contains("bit depth 16") == true)
        let noPalette = TestPNG.encode(width: 4, height: 4, colourType: 3, rows: rows)
        #expect(Self.failure(noPalette)?.contains("PLTE") == true)
        let shortPalette = TestPNG.encode(width: 4, height: 4, colourType: 3, rows: rows,
                                          palette: [(0, 0, 0), (1, 1, 1), (2, 2, 2)])
        #expect(Self.failure(shortPalette)?.contains("palette index 4") == true)
        let badColour = TestPNG.encode(width: 4, height: 4, colourType: 5, rows: rows)
        #expect(Self.failure(badColour)?.contains("colour type 5") == true)
        #expect(Self.failure(Array("GIF89a".utf8))?.contains("signature") == true)
        #expect(Self.failure([])?.contains("signature") == true)
        // A row whose filter byte is 5.
        var raw: [UInt8] = []
        for row in rows { raw += [5] + row }
        let badFilter = PNGDecoder.signature
            + TestPNG.chunk("IHDR", TestPNG.bigEndian(4) + TestPNG.bigEndian(4) + [8, 0, 0, 0, 0])
            + TestPNG.chunk("IDAT", TestPNG.deflate(raw)) + TestPNG.chunk("IEND", [])
        #expect(Self.failure(badFilter)?.contains("filter type 5") == true)
    }

    @Test("Truncated files are typed errors at every length")
    func truncated() {
        for length in 0..<Self.valid.count {
            #expect(Self.failure(Array(Self.valid.prefix(length))) != nil, "prefix of \(length) bytes decoded")
        }
        #expect(Self.failure(Self.valid) == nil)
    }

    @Test("A flipped bit fails the CRC check, or zlib's check without it")
    func corrupt() {
        var bytes = Self.valid
        let idat = bytes.count - 12 - 8  // inside the last IDAT chunk's data, before its CRC
        bytes[idat] ^= 0x10
        #expect(Self.failure(bytes)?.contains("CRC") == true)
        #expect(Self.failure(bytes, checksCRC: false) != nil)
    }

    @Test("Missing file is a typed error naming it")
    func missingFile() {
        #expect(throws: EvaluationError.missingFile(path: "/nonexistent/gt000001.png")) {
            try PNGDecoder.decode(contentsOf: "/nonexistent/gt000001.png")
        }
    }

    @Test("500 deterministic mutations never crash")
    func mutations() {
        var random = TestRandom(state: 0x5EED)
        var decoded = 0
        for round in 0..<500 {
            var bytes = Self.valid
            switch round % 5 {
            case 0:  // flip bits
                for _ in 0...random.below(3) { bytes[random.below(bytes.count)] ^= UInt8(1 << random.below(8)) }
            case 1:  // overwrite a byte with an extreme value (lengths, sizes, types)
                bytes[random.below(bytes.count)] = [0, 0xff, 0x7f, 0x80][random.below(4)]
            case 2:  // truncate
                bytes = Array(bytes.prefix(random.below(bytes.count)))
            case 3:  // insert or remove a run of bytes
                let at = random.below(bytes.count)
                if random.below(2) == 0 {
                    bytes.insert(contentsOf: (0..<random.below(8) + 1).map { _ in UInt8(random.below(256)) }, at: at)
                } else {
                    bytes.removeSubrange(at..<min(bytes.count, at + random.below(8) + 1))
                }
            default:  // rewrite a header field and fix its CRC so deeper code runs
                var header = Array(bytes[16..<29])
                header[random.below(13)] = UInt8(random.below(256))
                bytes = Array(bytes.prefix(8)) + TestPNG.chunk("IHDR", header) + Array(bytes[33...])
            }
            do {
                let plane = try PNGDecoder.decode(bytes, path: "mutant.png", checksCRC: round % 2 == 0)
                #expect(plane.width > 0 && plane.height > 0)
                decoded += 1
            } catch {
                #expect(error.invalidImageReason != nil, "round \(round): \(error)")
            }
        }
        #expect(decoded < 500)
    }
}
