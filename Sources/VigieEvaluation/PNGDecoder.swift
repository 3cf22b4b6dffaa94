import CZlib
import VigieCore

/// A small PNG decoder for what CDnet ships: 8-bit greyscale and 8-bit palette images (its
/// ground truth), plus 8-bit grey-with-alpha, RGB and RGBA, all decoded to one grey `Plane`.
///
/// - Palette images map each index through `PLTE` to a grey level; RGB images convert each
///   pixel. A colour with R = G = B becomes its R value (CDnet's palettes are grey, so a label
///   such as 170 stays 170); any other colour becomes Rec. 601 luma, `0.299R + 0.587G + 0.114B`.
///   Alpha is ignored.
/// - Compressed data goes through zlib's `inflate` (`CZlib`); the five row filters (None, Sub,
///   Up, Average, Paeth) are undone here. Chunk CRCs are checked with zlib's `crc32` unless
///   `checksCRC` is false.
/// - Not read: interlaced (Adam7) images, bit depths other than 8. Both are typed errors, as is
///   every malformed or truncated file: no input makes the decoder trap.
///
/// Package-only: a decoded image is a raw image (see `Plane`).
package enum PNGDecoder {
    /// The eight bytes every PNG file starts with.
    static let signature: [UInt8] = [137, 80, 78, 71, 13, 10, 26, 10]
    /// Largest width or height accepted, in pixels: a guard against hostile headers.
    package static let maximumSide = 1 << 15
    /// Largest number of pixels accepted (64 Mpixel).
    package static let maximumPixels = 1 << 26

    /// Decodes the PNG file at `path` to a grey plane.
    /// - Throws: `missingFile`/`unreadableFile` when it cannot be read, `invalidImage` naming
    ///   `path` and the reason when it is not a PNG this decoder reads.
    package static func decode(contentsOf path: String, checksCRC: Bool = true) throws(EvaluationError) -> Plane {
        try decode(readFileBytes(path), path: path, checksCRC: checksCRC)
    }

    /// Decodes PNG bytes to a grey plane; `path` only names the data in error messages.
    /// - Throws: `invalidImage(path:reason:)` for anything malformed, truncated or unsupported.
    package static func decode(_ bytes: [UInt8], path: String = "PNG data",
                               checksCRC: Bool = true) throws(EvaluationError) -> Plane {
        let image = try readChunks(bytes, path: path, checksCRC: checksCRC)
        let header = image.header
        let rowBytes = header.width * header.channels
        var raw = try inflate(image.compressed, expectedCount: header.height * (rowBytes + 1), path: path)
        let badRow = unfilter(&raw, rowBytes: rowBytes, height: header.height, bytesPerPixel: header.channels)
        if let (row, filter) = badRow {
            throw .invalidImage(path: path, reason: "row \(row) has unknown filter type \(filter)")
        }
        var plane = Plane(width: header.width, height: header.height)
        let largestIndex = plane.withMutableView { view in
            raw.withUnsafeBufferPointer { buffer in
                convertToGrey(buffer, header: header, palette: image.palette, into: view.base, stride: view.stride)
            }
        }
        if header.colourType == 3, largestIndex >= image.palette.count {
            throw .invalidImage(path: path, reason: "pixel uses palette index \(largestIndex), but PLTE has only "
                                + "\(image.palette.count) entries")
        }
        return plane
    }

    // MARK: - Chunks

    /// The fields of `IHDR` this decoder uses.
    struct Header {
        var width: Int
        var height: Int
        /// 0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGBA.
        var colourType: UInt8
        /// Bytes per pixel (bit depth 8): 1, 3, 1, 2 or 4.
        var channels: Int
    }

    /// The header, the palette as grey levels and the concatenated `IDAT` data of a PNG file.
    struct Chunks {
        var header: Header
        var palette: [UInt8]
        var compressed: [UInt8]
    }

    /// Walks the chunks from the signature to `IEND`, validating lengths, order and CRCs.
    static func readChunks(_ bytes: [UInt8], path: String, checksCRC: Bool) throws(EvaluationError) -> Chunks {
        func failure(_ reason: String) -> EvaluationError { .invalidImage(path: path, reason: reason) }
        guard bytes.count >= signature.count, bytes.prefix(signature.count).elementsEqual(signature) else {
            throw failure("not a PNG file (bad signature)")
        }
        var header: Header?
        var palette: [UInt8]?
        var compressed: [UInt8] = []
        var position = signature.count
        while true {
            guard bytes.count - position >= 12 else {
                throw failure("file ends at byte \(bytes.count) before the IEND chunk (truncated)")
            }
            let length = Int(bigEndian32(bytes, at: position))
            let dataStart = position + 8
            let typeBytes = bytes[(position + 4)..<dataStart]
            guard typeBytes.allSatisfy({ (65...90).contains($0) || (97...122).contains($0) }) else {
                throw failure("byte \(position + 4) does not start a chunk type (corrupt chunk length before it?)")
            }
            let type = String(decoding: typeBytes, as: UTF8.self)
            guard length <= 0x7fff_ffff, bytes.count - dataStart - 4 >= length else {
                throw failure("chunk \(type) at byte \(position) declares \(length) bytes, but the file ends first")
            }
            if checksCRC {
                let stored = bigEndian32(bytes, at: dataStart + length)
                let computed = bytes.withUnsafeBufferPointer { buffer in
                    UInt32(truncatingIfNeeded: crc32(0, buffer.baseAddress.map { $0 + position + 4 }, uInt(length + 4)))
                }
                guard stored == computed else { throw failure("chunk \(type) at byte \(position) fails its CRC check") }
            }
            let data = bytes[dataStart..<(dataStart + length)]
            if header == nil, type != "IHDR" { throw failure("first chunk is \(type), expected IHDR") }
            switch type {
            case "IHDR":
                guard header == nil else { throw failure("second IHDR chunk at byte \(position)") }
                header = try parseHeader(data, failure: failure)
            case "PLTE":
                guard palette == nil, compressed.isEmpty else {
                    throw failure("PLTE chunk at byte \(position) is out of order")
                }
                guard length % 3 == 0, (3...768).contains(length) else {
                    throw failure("PLTE chunk holds \(length) bytes; expected 3 to 768, a multiple of 3")
                }
                palette = stride(from: dataStart, to: dataStart + length, by: 3).map { i in
                    greyLevel(red: bytes[i], green: bytes[i + 1], blue: bytes[i + 2])
                }
            case "IDAT":
                compressed.append(contentsOf: data)
            case "IEND":
                guard let header else { throw failure("no IHDR chunk") }
                guard !compressed.isEmpty else { throw failure("no IDAT chunk (no image data)") }
                if header.colourType == 3, palette == nil { throw failure("palette image without a PLTE chunk") }
                return Chunks(header: header, palette: palette ?? [], compressed: compressed)
            default:
                // Bit 5 of the first byte clear (upper case) marks a chunk a decoder must understand.
                if typeBytes.first.map({ $0 & 0x20 == 0 }) == true {
                    throw failure("unsupported critical chunk \(type)")
                }
            }
            position = dataStart + length + 4
        }
    }

    /// Parses and checks the 13 bytes of `IHDR`.
    static func parseHeader(_ data: ArraySlice<UInt8>,
                            failure: (String) -> EvaluationError) throws(EvaluationError) -> Header {
        guard data.count == 13 else { throw failure("IHDR chunk holds \(data.count) bytes, expected 13") }
        let s = data.startIndex
        let width = Int(bigEndian32(data, at: s)), height = Int(bigEndian32(data, at: s + 4))
        let bitDepth = data[s + 8], colourType = data[s + 9]
        let compression = data[s + 10], filter = data[s + 11], interlace = data[s + 12]
        guard width > 0, height > 0, width <= 0x7fff_ffff, height <= 0x7fff_ffff else {
            throw failure("image size \(width)x\(height) is invalid")
        }
        guard width <= maximumSide, height <= maximumSide, width * height <= maximumPixels else {
            throw failure("image size \(width)x\(height) is larger than this decoder accepts")
        }
        let channels: Int
        switch colourType {
        case 0, 3: channels = 1
        case 2: channels = 3
        case 4: channels = 2
        case 6: channels = 4
        default: throw failure("colour type \(colourType) is invalid")
        }
        guard bitDepth == 8 else {
            throw failure("bit depth \(bitDepth) (colour type \(colourType)) is not supported; only 8-bit images are")
        }
        guard compression == 0 else { throw failure("compression method \(compression) is invalid") }
        guard filter == 0 else { throw failure("filter method \(filter) is invalid") }
        guard interlace == 0 else {
            throw failure(interlace == 1 ? "interlaced (Adam7) images are not supported"
                                         : "interlace method \(interlace) is invalid")
        }
        return Header(width: width, height: height, colourType: colourType, channels: channels)
    }

    /// The big-endian 32-bit number at `index`; the caller has checked four bytes are there.
    static func bigEndian32<C: RandomAccessCollection<UInt8>>(_ bytes: C, at index: C.Index) -> UInt32 {
        var value: UInt32 = 0
        var i = index
        for _ in 0..<4 {
            value = value << 8 | UInt32(bytes[i])
            i = bytes.index(after: i)
        }
        return value
    }

    // MARK: - Inflate (zlib)

    /// Inflates a zlib stream that should hold exactly `expectedCount` bytes (zlib's `inflate`).
    ///
    /// Data beyond `expectedCount` is ignored, as libpng does; data that ends early is an error.
    static func inflate(_ input: [UInt8], expectedCount: Int, path: String) throws(EvaluationError) -> [UInt8] {
        func failure(_ reason: String) -> EvaluationError { .invalidImage(path: path, reason: reason) }
        // Deflate cannot expand data by much more than 1032:1, so a tiny IDAT cannot be a huge image:
        // refuse before allocating.
        guard expectedCount <= input.count * 1032 + 1024 else {
            throw failure("IDAT data (\(input.count) bytes) is too short for \(expectedCount) bytes of image data")
        }
        guard input.count < Int(UInt32.max), expectedCount < Int(UInt32.max) else { throw failure("image too large") }
        var output = [UInt8](repeating: 0, count: expectedCount)
        var stream = z_stream()
        guard inflateInit_(&stream, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw failure("zlib could not start inflating")
        }
        defer { inflateEnd(&stream) }
        let status = input.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { destination in
                stream.next_in = source.baseAddress.map { UnsafeMutablePointer(mutating: $0) }
                stream.avail_in = uInt(source.count)
                stream.next_out = destination.baseAddress
                stream.avail_out = uInt(destination.count)
                return CZlib.inflate(&stream, Z_FINISH)
            }
        }
        let produced = Int(stream.total_out)
        switch status {
        case Z_STREAM_END where produced == expectedCount, Z_OK where stream.avail_out == 0,
             Z_BUF_ERROR where stream.avail_out == 0:
            return output
        case Z_STREAM_END, Z_OK, Z_BUF_ERROR:
            throw failure("image data ends early: \(produced) of \(expectedCount) bytes")
        case Z_DATA_ERROR:
            let message = stream.msg.map { String(cString: $0) } ?? "invalid deflate data"
            throw failure("corrupt compressed data (zlib: \(message))")
        case Z_NEED_DICT:
            throw failure("compressed data needs a preset dictionary, which PNG forbids")
        case Z_MEM_ERROR:
            throw failure("zlib ran out of memory")
        default:
            throw failure("zlib inflate failed with status \(status)")
        }
    }

    // MARK: - Filters

    /// Undoes the row filters in place. Each row is a filter-type byte then `rowBytes` bytes.
    /// - Returns: nil, or the first row whose filter type is unknown and that type.
    static func unfilter(_ raw: inout [UInt8], rowBytes: Int, height: Int, bytesPerPixel bpp: Int) -> (Int, UInt8)? {
        let zeroRow = [UInt8](repeating: 0, count: rowBytes)
        return zeroRow.withUnsafeBufferPointer { zeroBuffer -> (Int, UInt8)? in
            raw.withUnsafeMutableBufferPointer { buffer -> (Int, UInt8)? in
                guard let base = buffer.baseAddress, let zero = zeroBuffer.baseAddress,
                      buffer.count >= height * (rowBytes + 1) else { return nil }
                for y in 0..<height {
                    let line = base + y * (rowBytes + 1)
                    let row = line + 1
                    let prior = y == 0 ? zero : UnsafePointer(row - (rowBytes + 1))
                    switch line[0] {
                    case 0:
                        break
                    case 1:
                        for i in bpp..<max(bpp, rowBytes) { row[i] &+= row[i - bpp] }
                    case 2:
                        for i in 0..<rowBytes { row[i] &+= prior[i] }
                    case 3:
                        for i in 0..<min(bpp, rowBytes) { row[i] &+= prior[i] >> 1 }
                        for i in bpp..<max(bpp, rowBytes) {
                            row[i] &+= UInt8(truncatingIfNeeded: (Int(row[i - bpp]) + Int(prior[i])) >> 1)
                        }
                    case 4:
                        for i in 0..<min(bpp, rowBytes) { row[i] &+= prior[i] }
                        for i in bpp..<max(bpp, rowBytes) {
                            row[i] &+= paethPredictor(row[i - bpp], prior[i], prior[i - bpp])
                        }
                    default:
                        return (y, line[0])
                    }
                }
                return nil
            }
        }
    }

    /// The Paeth predictor: whichever of left (`a`), above (`b`) and upper-left (`c`) is closest
    /// to `a + b - c`, ties going to `a`, then `b`.
    @inline(__always)
    static func paethPredictor(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt8 {
        let p = Int(a) + Int(b) - Int(c)
        let pa = abs(p - Int(a)), pb = abs(p - Int(b)), pc = abs(p - Int(c))
        if pa <= pb && pa <= pc { return a }
        return pb <= pc ? b : c
    }

    // MARK: - Grey conversion

    /// Writes the unfiltered rows as grey levels to the plane at `output`, rows `stride` bytes apart.
    /// - Returns: the largest palette index used (0 for images without a palette).
    static func convertToGrey(_ raw: UnsafeBufferPointer<UInt8>, header: Header, palette: [UInt8],
                              into output: UnsafeMutablePointer<UInt8>, stride: Int) -> Int {
        guard let base = raw.baseAddress else { return 0 }
        let rowBytes = header.width * header.channels
        var table = [UInt8](repeating: 0, count: 256)
        for (index, grey) in palette.prefix(256).enumerated() { table[index] = grey }
        var largestIndex: UInt8 = 0
        for y in 0..<header.height {
            let source = base + y * (rowBytes + 1) + 1
            let destination = output + y * stride
            switch header.colourType {
            case 0:
                destination.update(from: source, count: header.width)
            case 3:
                for x in 0..<header.width {
                    let index = source[x]
                    largestIndex = max(largestIndex, index)
                    destination[x] = table[Int(index)]
                }
            case 4:
                for x in 0..<header.width { destination[x] = source[2 * x] }
            default:  // 2 (RGB) and 6 (RGBA)
                let step = header.channels
                for x in 0..<header.width {
                    let p = source + x * step
                    destination[x] = greyLevel(red: p[0], green: p[1], blue: p[2])
                }
            }
        }
        return Int(largestIndex)
    }
}
