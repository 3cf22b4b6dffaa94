import VigieCore

/// Reads uncompressed Windows bitmaps (BMP) to one grey `Plane`: what CDnet uses for `ROI.bmp`.
///
/// - 8-bit palette images map each index through the palette to a grey level; 24- and 32-bit
///   images convert each pixel. A colour with R = G = B becomes its R value, any other colour
///   Rec. 601 luma (`0.299R + 0.587G + 0.114B`).
/// - Rows may be stored bottom-up (positive height, the usual case) or top-down (negative
///   height); each row is padded to a multiple of 4 bytes. The plane's row 0 is the top.
/// - Headers: `BITMAPCOREHEADER` (12 bytes) and `BITMAPINFOHEADER` (40 bytes) and its later
///   versions. Compressed bitmaps (RLE, bit fields) and 1-, 4- and 16-bit images are typed errors,
///   as is every malformed or truncated file.
///
/// Package-only: a decoded image is a raw image (see `Plane`).
package enum BMPReader {
    /// Reads the BMP file at `path` to a grey plane.
    /// - Throws: `missingFile`/`unreadableFile` when it cannot be read, `invalidImage` naming
    ///   `path` and the reason when it is not a bitmap this reader reads.
    package static func read(contentsOf path: String) throws(EvaluationError) -> Plane {
        try read(readFileBytes(path), path: path)
    }

    /// Decodes BMP bytes to a grey plane; `path` only names the data in error messages.
    /// - Throws: `invalidImage(path:reason:)` for anything malformed, truncated or unsupported.
    package static func read(_ bytes: [UInt8], path: String = "BMP data") throws(EvaluationError) -> Plane {
        func failure(_ reason: String) -> EvaluationError { .invalidImage(path: path, reason: reason) }
        guard bytes.count >= 26, bytes[0] == 0x42, bytes[1] == 0x4D else {
            throw failure("not a BMP file (no BM signature)")
        }
        let pixelOffset = Int(littleEndian32(bytes, at: 10))
        let headerSize = Int(littleEndian32(bytes, at: 14))
        let width: Int, signedHeight: Int, bitCount: Int, compression: Int, coloursUsed: Int, paletteEntrySize: Int
        if headerSize == 12 {
            width = Int(littleEndian16(bytes, at: 18))
            signedHeight = Int(littleEndian16(bytes, at: 20))
            bitCount = Int(littleEndian16(bytes, at: 24))
            compression = 0
            coloursUsed = 0
            paletteEntrySize = 3
        } else if headerSize >= 40 && headerSize <= 124 {
            guard bytes.count >= 14 + 40 else { throw failure("file ends inside the bitmap header") }
            width = Int(Int32(bitPattern: littleEndian32(bytes, at: 18)))
            signedHeight = Int(Int32(bitPattern: littleEndian32(bytes, at: 22)))
            bitCount = Int(littleEndian16(bytes, at: 28))
            compression = Int(littleEndian32(bytes, at: 30))
            coloursUsed = Int(littleEndian32(bytes, at: 46))
            paletteEntrySize = 4
        } else {
            throw failure("bitmap header of \(headerSize) bytes is not a known BMP header")
        }
        let height = abs(signedHeight)
        let topDown = signedHeight < 0
        guard width > 0, height > 0 else { throw failure("image size \(width)x\(signedHeight) is invalid") }
        guard width <= PNGDecoder.maximumSide, height <= PNGDecoder.maximumSide,
              width * height <= PNGDecoder.maximumPixels else {
            throw failure("image size \(width)x\(height) is larger than this reader accepts")
        }
        guard compression == 0 else {
            throw failure("compression \(compression) is not supported; only uncompressed bitmaps are")
        }
        guard bitCount == 8 || bitCount == 24 || bitCount == 32 else {
            throw failure("\(bitCount)-bit images are not supported; only 8-bit palette, 24- and 32-bit ones are")
        }

        // The palette, as grey levels.
        var palette: [UInt8] = []
        if bitCount == 8 {
            let count = coloursUsed == 0 ? 256 : coloursUsed
            guard count <= 256 else { throw failure("palette of \(count) colours; an 8-bit image has at most 256") }
            let start = 14 + headerSize
            guard bytes.count - start >= count * paletteEntrySize else { throw failure("file ends inside the palette") }
            palette = (0..<count).map { i in
                let p = start + i * paletteEntrySize  // blue, green, red (, reserved)
                return greyLevel(red: bytes[p + 2], green: bytes[p + 1], blue: bytes[p])
            }
        }

        // The pixels: rows padded to 4 bytes, the last row's padding may be missing.
        let bytesPerPixel = bitCount / 8
        let rowStride = (bitCount * width + 31) / 32 * 4
        guard pixelOffset >= 14 + headerSize, pixelOffset <= bytes.count,
              bytes.count - pixelOffset >= rowStride * (height - 1) + width * bytesPerPixel else {
            throw failure("pixel data at byte \(pixelOffset) needs \(rowStride * height) bytes; the file is "
                          + "\(bytes.count) bytes (truncated)")
        }
        var plane = Plane(width: width, height: height)
        let largestIndex = plane.withMutableView { view in
            let output = view.base, outputStride = view.stride
            return bytes.withUnsafeBufferPointer { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                var largest = 0
                for y in 0..<height {
                    let stored = topDown ? y : height - 1 - y
                    let source = base + pixelOffset + stored * rowStride
                    let destination = output + y * outputStride
                    if bitCount == 8 {
                        for x in 0..<width {
                            let index = Int(source[x])
                            largest = max(largest, index)
                            destination[x] = index < palette.count ? palette[index] : 0
                        }
                    } else {
                        for x in 0..<width {
                            let p = source + x * bytesPerPixel
                            destination[x] = greyLevel(red: p[2], green: p[1], blue: p[0])
                        }
                    }
                }
                return largest
            }
        }
        if bitCount == 8, largestIndex >= palette.count {
            throw failure("pixel uses palette index \(largestIndex), but the palette has \(palette.count) colours")
        }
        return plane
    }

    /// The little-endian 16-bit number at `index`; the caller has checked the bytes are there.
    static func littleEndian16(_ bytes: [UInt8], at index: Int) -> UInt16 {
        UInt16(bytes[index]) | UInt16(bytes[index + 1]) << 8
    }

    /// The little-endian 32-bit number at `index`; the caller has checked the bytes are there.
    static func littleEndian32(_ bytes: [UInt8], at index: Int) -> UInt32 {
        UInt32(littleEndian16(bytes, at: index)) | UInt32(littleEndian16(bytes, at: index + 2)) << 16
    }
}
