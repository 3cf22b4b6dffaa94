import CZlib
import Foundation
@testable import VigieCore
@testable import VigieEvaluation

/// Shared test data (`../shared/data` next to the package), present on CI and developer machines.
enum SharedData {
    /// Where to look: beside the package root found from this file, then beside the working
    /// folder (`swift test` runs in the package root; CI clones the repository next to `shared/`).
    static let candidates: [String] = {
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let workingFolder = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        return [packageRoot, workingFolder].map {
            $0.deletingLastPathComponent().appendingPathComponent("shared/data").path
        }
    }()
    static let root: String? = candidates.first {
        FileManager.default.fileExists(atPath: $0 + "/cdnet/baseline/highway")
    }
    static var isAvailable: Bool { root != nil }
    static var highway: String { (root ?? "/nonexistent") + "/cdnet/baseline/highway" }
}

/// A tiny PNG encoder for tests: 8-bit images, a chosen filter per row, zlib's `compress`.
enum TestPNG {
    /// PNG bytes for `rows` (each `width * channels` bytes, unfiltered), filtering row `y` with
    /// `filters[y % filters.count]`; IDAT is split into chunks of `idatChunkSize` bytes if given.
    static func encode(width: Int, height: Int, colourType: UInt8, rows: [[UInt8]], filters: [UInt8] = [0],
                       palette: [(UInt8, UInt8, UInt8)]? = nil, bitDepth: UInt8 = 8, interlace: UInt8 = 0,
                       idatChunkSize: Int? = nil) -> [UInt8] {
        let bpp = [0: 1, 2: 3, 3: 1, 4: 2, 6: 4][Int(colourType)] ?? 1
        var raw: [UInt8] = []
        var prior = [UInt8](repeating: 0, count: rows.first?.count ?? 0)
        for (y, row) in rows.enumerated() {
            let filter = filters[y % filters.count]
            raw.append(filter)
            raw += applyFilter(filter, row: row, prior: prior, bpp: bpp)
            prior = row
        }
        var out = PNGDecoder.signature
        var header = bigEndian(UInt32(width)) + bigEndian(UInt32(height))
        header += [bitDepth, colourType, 0, 0, interlace]
        out += chunk("IHDR", header)
        if let palette { out += chunk("PLTE", palette.flatMap { [$0.0, $0.1, $0.2] }) }
        out += chunk("tEXt", Array("Comment\0test".utf8))
        let compressed = deflate(raw)
        let size = idatChunkSize ?? max(compressed.count, 1)
        for start in stride(from: 0, to: compressed.count, by: size) {
            out += chunk("IDAT", Array(compressed[start..<min(start + size, compressed.count)]))
        }
        out += chunk("IEND", [])
        return out
    }

    /// One filtered row, as an encoder writes it (PNG specification, section 9).
    static func applyFilter(_ filter: UInt8, row: [UInt8], prior: [UInt8], bpp: Int) -> [UInt8] {
        row.indices.map { i in
            let a = i >= bpp ? row[i - bpp] : 0, b = prior[i], c = i >= bpp ? prior[i - bpp] : 0
            switch filter {
            case 1: return row[i] &- a
            case 2: return row[i] &- b
            case 3: return row[i] &- UInt8((Int(a) + Int(b)) / 2)
            case 4:
                let p = Int(a) + Int(b) - Int(c)
                let pa = abs(p - Int(a)), pb = abs(p - Int(b)), pc = abs(p - Int(c))
                let predictor = pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
                return row[i] &- predictor
            default: return row[i]
            }
        }
    }

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        let crc = body.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, uInt($0.count))) }
        return bigEndian(UInt32(data.count)) + body + bigEndian(crc)
    }

    static func deflate(_ bytes: [UInt8]) -> [UInt8] {
        var length = compressBound(uLong(bytes.count))
        var out = [UInt8](repeating: 0, count: Int(length))
        let status = out.withUnsafeMutableBufferPointer { destination in
            bytes.withUnsafeBufferPointer { source in
                compress(destination.baseAddress, &length, source.baseAddress, uLong(source.count))
            }
        }
        precondition(status == Z_OK, "compress failed: \(status)")
        return Array(out.prefix(Int(length)))
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
    }
}

/// A tiny BMP writer for tests: 8-bit palette or 24-bit, bottom-up or top-down, padded rows.
enum TestBMP {
    /// `pixels` are palette indices (8-bit) or BGR triples (24-bit), row after row from the top.
    static func encode(width: Int, height: Int, bitCount: Int, pixels: [UInt8],
                       palette: [(UInt8, UInt8, UInt8)] = [], topDown: Bool = false) -> [UInt8] {
        let stride = (bitCount * width + 31) / 32 * 4
        let bytesPerPixel = bitCount / 8
        let paletteBytes = palette.count * 4
        let offset = 14 + 40 + paletteBytes
        var out: [UInt8] = Array("BM".utf8) + littleEndian32(offset + stride * height) + [0, 0, 0, 0]
            + littleEndian32(offset)
        out += littleEndian32(40) + littleEndian32(width) + littleEndian32(topDown ? -height : height)
        out += [1, 0, UInt8(bitCount), 0] + littleEndian32(0) + littleEndian32(stride * height)
        out += littleEndian32(2834) + littleEndian32(2834) + littleEndian32(palette.count) + littleEndian32(0)
        for (r, g, b) in palette { out += [b, g, r, 0] }
        for stored in 0..<height {
            let y = topDown ? stored : height - 1 - stored
            let row = pixels[(y * width * bytesPerPixel)..<((y + 1) * width * bytesPerPixel)]
            out += row
            out += [UInt8](repeating: 0xEE, count: stride - row.count)  // padding must be ignored
        }
        return out
    }

    static func littleEndian32(_ value: Int) -> [UInt8] {
        let v = UInt32(bitPattern: Int32(value))
        return [UInt8(v & 0xff), UInt8(v >> 8 & 0xff), UInt8(v >> 16 & 0xff), UInt8(v >> 24)]
    }
}

/// A deterministic pseudo-random generator (SplitMix64) for mutation tests.
struct TestRandom {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}

func temporaryFolder() -> String {
    let path = NSTemporaryDirectory() + "vigie-eval-test-" + UUID().uuidString
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

extension EvaluationError {
    /// The reason of an `invalidImage` error, or nil for other cases.
    var invalidImageReason: String? {
        if case let .invalidImage(_, reason) = self { return reason }
        return nil
    }
}
