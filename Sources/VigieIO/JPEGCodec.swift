import CVigieJPEG
import VigieCore
import VigieKernels

/// DCT scaling applied while decoding: libjpeg-turbo computes a 1/2, 1/4 or 1/8 size image
/// straight from the DCT coefficients, far faster than decoding at full size and resizing.
public enum DCTScale: Int, Sendable, CaseIterable, Codable {
    /// Full size.
    case full = 1
    /// Half width and height.
    case half = 2
    /// Quarter width and height.
    case quarter = 4
    /// Eighth width and height.
    case eighth = 8

    /// The analysis scale for a camera `width` pixels wide: the largest image (full, 1/2, 1/4,
    /// 1/8) at most `maxWidth` pixels wide, or 1/8 when none is. A 1920-pixel camera with
    /// `maxWidth` 960 is analysed at half size.
    public static func fitting(width: Int, maxWidth: Int) -> DCTScale {
        for scale in DCTScale.allCases where (width + scale.rawValue - 1) / scale.rawValue <= maxWidth {
            return scale
        }
        return .eighth
    }

    /// The decoded size of a `width` x `height` image (rounded up, as libjpeg does).
    public func scaledSize(width: Int, height: Int) -> (width: Int, height: Int) {
        ((width + rawValue - 1) / rawValue, (height + rawValue - 1) / rawValue)
    }
}

/// What a JPEG header says: geometry and colour layout, no pixels.
public struct JPEGInfo: Sendable, Hashable {
    /// Full-resolution width in pixels.
    public var width: Int
    /// Full-resolution height in pixels.
    public var height: Int
    /// Number of colour components (1 grey, 3 YCbCr/RGB, 4 CMYK).
    public var components: Int
    /// The file's colour space: `grey`, `YCbCr`, `RGB`, `CMYK`, `YCCK`, `unknown`.
    public var colourSpace: String
    /// Whether luma is sampled 2x2 and chroma 1x1 (decoded on libjpeg's raw-data fast path).
    public var isYCbCr420: Bool

    /// Chroma format as `vigie info` prints it.
    public var chromaDescription: String {
        if components == 1 { return "grey (luma only)" }
        return isYCbCr420 ? "\(colourSpace) 4:2:0" : "\(colourSpace) (not 4:2:0, converted to 4:2:0 when decoded)"
    }
}

/// JPEG decoding and encoding through libjpeg-turbo.
///
/// Decoding accepts any bytes and returns a `Frame` or throws `JPEGError`; it never crashes or
/// exits on corrupt input. Encoding accepts only `AnonymisedFrame`: there is no way to encode a
/// raw frame.
public enum JPEGCodec {
    /// Reads the header of a JPEG (`jpeg_read_header`).
    public static func info(of bytes: [UInt8]) throws(JPEGError) -> JPEGInfo {
        var raw = vg_jpeg_info()
        var message = [CChar](repeating: 0, count: Int(VG_JPEG_MESSAGE_CAPACITY))
        let status = bytes.withUnsafeBufferPointer { vg_jpeg_read_info($0.baseAddress, $0.count, &raw, &message) }
        guard status == 0 else { throw JPEGError(operation: "read header", message: Self.string(message)) }
        let spaces = [0: "unknown", 1: "grey", 2: "YCbCr", 3: "RGB", 4: "CMYK", 5: "YCCK"]
        return JPEGInfo(width: Int(raw.width), height: Int(raw.height), components: Int(raw.components),
                        colourSpace: spaces[Int(raw.colour_space)] ?? "unknown", isYCbCr420: raw.is_ycbcr420 != 0)
    }

    /// Decodes a JPEG into a new frame.
    /// - Parameters:
    ///   - bytes: the whole JPEG file.
    ///   - format: `.ycbcr420` (raw-data path for 4:2:0 files, converted otherwise) or `.luma`.
    ///   - scale: DCT scaling (1, 1/2, 1/4, 1/8).
    ///   - timestamp: the frame's presentation time.
    ///   - number: the frame's number in its stream (from 1).
    ///   - limits: an image over them is refused from its header, before any large allocation
    ///     (`JPEGError.limitExceeded` set).
    public static func decode(_ bytes: [UInt8], format: PixelFormat = .ycbcr420, scale: DCTScale = .full,
                              timestamp: Timestamp = .zero, number: Int = 1,
                              limits: DecodeLimits = .default) throws(JPEGError) -> Frame {
        var frame: Frame? = nil
        try JPEGDecoder(limits: limits).decode(bytes, into: &frame, format: format, scale: scale, timestamp: timestamp,
                                               number: number)
        return frame!
    }

    /// Decodes a JPEG with a one-off decoder into `frame` (reusing its storage when it fits); the
    /// parameters are those of `JPEGDecoder.decode(_:into:format:scale:timestamp:number:)`.
    public static func decode(_ bytes: [UInt8], into frame: inout Frame?, format: PixelFormat = .ycbcr420,
                              scale: DCTScale = .full, timestamp: Timestamp = .zero,
                              number: Int = 1, limits: DecodeLimits = .default) throws(JPEGError) {
        try JPEGDecoder(limits: limits).decode(bytes, into: &frame, format: format, scale: scale, timestamp: timestamp,
                                               number: number)
    }

    /// Reads the header of a JPEG and checks it against `limits` without decoding it: the
    /// header, or a `JPEGError` whose `limitExceeded` says which limit the image is over.
    public static func checkedInfo(of bytes: [UInt8], limits: DecodeLimits = .default) throws(JPEGError) -> JPEGInfo {
        guard bytes.count <= limits.maxEncodedBytes else {
            throw Self.tooLarge(width: 0, height: 0, reason: "more than \(limits.maxEncodedBytes) encoded bytes")
        }
        let info = try info(of: bytes)
        if let reason = limits.violation(width: info.width, height: info.height) {
            throw Self.tooLarge(width: info.width, height: info.height, reason: reason)
        }
        return info
    }

    static func tooLarge(width: Int, height: Int, reason: String) -> JPEGError {
        let size = width > 0 || height > 0 ? "image is \(width)x\(height), " : ""
        return JPEGError(operation: "read header", message: "\(size)over the decode limits: \(reason)",
                         limitExceeded: DecodeLimitExceeded(width: width, height: height, reason: reason))
    }

    /// Encodes an anonymised frame as JPEG (4:2:0 raw-data path, or greyscale for luma frames).
    /// - Parameters:
    ///   - image: the anonymised frame (the only image type that can leave the library).
    ///   - quality: libjpeg quality, 1…100.
    public static func encode(_ image: AnonymisedFrame, quality: Int = 85) throws(JPEGError) -> [UInt8] {
        precondition((1...100).contains(quality), "JPEG quality must be 1...100, got \(quality)")
        let frame = image.frame
        var message = [CChar](repeating: 0, count: Int(VG_JPEG_MESSAGE_CAPACITY))
        var output: UnsafeMutablePointer<UInt8>? = nil
        var size: UInt = 0
        let status: Int32 = frame.luma.withView { y in
            guard let cb = frame.cb, let cr = frame.cr else {
                return vg_jpeg_encode_luma(y.base, y.stride, Int32(y.width), Int32(y.height), Int32(quality),
                                           &output, &size, &message)
            }
            return cb.withView { cb in
                cr.withView { cr in
                    vg_jpeg_encode_ycbcr420(y.base, y.stride, cb.base, cb.stride, cr.base, cr.stride,
                                            Int32(y.width), Int32(y.height), Int32(quality), &output, &size, &message)
                }
            }
        }
        defer { vg_jpeg_free(output) }
        guard status == 0, let output else { throw JPEGError(operation: "encode", message: Self.string(message)) }
        return Array(UnsafeBufferPointer(start: output, count: Int(size)))
    }

    static func string(_ message: [CChar]) -> String {
        let text = message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        return text.isEmpty ? "unknown libjpeg error" : text
    }
}

/// A JPEG decoder that keeps libjpeg-turbo's decompressor between images, so a stream pays its
/// set-up once (`vg_jpeg_decoder_start`, `vg_jpeg_decoder_read_ycbcr420` in CVigieJPEG).
///
/// Not thread-safe: give each stream its own decoder.
public final class JPEGDecoder {
    private let handle: OpaquePointer
    private var message = [CChar](repeating: 0, count: Int(VG_JPEG_MESSAGE_CAPACITY))
    /// What the decoder accepts: an image over them is refused from its header (before any
    /// large allocation), libjpeg's memory and scans are bounded by them.
    public let limits: DecodeLimits
    private var cLimits: vg_jpeg_limits

    /// A decoder with `limits`. Traps only if memory for libjpeg's state cannot be had.
    public init(limits: DecodeLimits = .default) {
        guard let handle = vg_jpeg_decoder_create() else { fatalError("out of memory creating a JPEG decoder") }
        self.handle = handle
        self.limits = limits
        cLimits = limits.c
    }

    deinit { vg_jpeg_decoder_destroy(handle) }

    /// Decodes a JPEG, reusing `frame`'s storage when it has the right size and format and is not
    /// shared (so a stream decodes without allocating in steady state). An image over ``limits``
    /// throws a `JPEGError` with `limitExceeded` set, having allocated nothing for it.
    /// - Parameters:
    ///   - bytes: the whole JPEG file.
    ///   - frame: the frame to decode into (replaced when it does not fit).
    ///   - format: `.ycbcr420` (raw-data path for 4:2:0 files, converted otherwise) or `.luma`.
    ///   - scale: DCT scaling (1, 1/2, 1/4, 1/8).
    ///   - timestamp: the frame's presentation time.
    ///   - number: the frame's number in its stream (from 1).
    public func decode(_ bytes: [UInt8], into frame: inout Frame?, format: PixelFormat = .ycbcr420,
                       scale: DCTScale = .full, timestamp: Timestamp = .zero, number: Int = 1) throws(JPEGError) {
        guard bytes.count <= limits.maxEncodedBytes else {
            throw JPEGCodec.tooLarge(width: 0, height: 0, reason: "more than \(limits.maxEncodedBytes) encoded bytes")
        }
        var w: Int32 = 0, h: Int32 = 0
        let status: Int32 = bytes.withUnsafeBufferPointer { data in
            message.withUnsafeMutableBufferPointer { text in
                let started = vg_jpeg_decoder_start(handle, data.baseAddress, data.count, Int32(scale.rawValue),
                                                    format == .luma ? 1 : 0, &cLimits, &w, &h, text.baseAddress)
                guard started == 0 else { return started }
                var target = Self.reusableFrame(&frame, width: Int(w), height: Int(h), format: format)
                target.timestamp = timestamp
                target.number = number
                let status: Int32
                if format == .luma {
                    status = target.luma.withMutableView { y in
                        vg_jpeg_decoder_read_luma(handle, y.base, y.stride, text.baseAddress)
                    }
                } else {
                    status = target.luma.withMutableView { y in
                        target.cb!.withMutableView { cb in
                            target.cr!.withMutableView { cr in
                                vg_jpeg_decoder_read_ycbcr420(handle, y.base, y.stride, cb.base, cb.stride,
                                                              cr.base, cr.stride, text.baseAddress)
                            }
                        }
                    }
                }
                frame = target
                return status
            }
        }
        switch status {
        case 0: return
        case Int32(VG_JPEG_TOO_LARGE):
            let reason = limits.violation(width: Int(w), height: Int(h)) ?? "over the size limits"
            throw JPEGCodec.tooLarge(width: Int(w), height: Int(h), reason: reason)
        case Int32(VG_JPEG_OVER_BUDGET):
            throw JPEGCodec.tooLarge(width: 0, height: 0, reason: JPEGCodec.string(message))
        default:
            throw JPEGError(operation: "decode", message: JPEGCodec.string(message))
        }
    }

    /// `frame` itself when its planes are unshared and of the right geometry, else a new frame.
    private static func reusableFrame(_ frame: inout Frame?, width: Int, height: Int, format: PixelFormat) -> Frame {
        // Take the frame out of the optional so its planes are uniquely referenced and reusable.
        if var existing = frame.take(), existing.width == width, existing.height == height, existing.format == format,
           existing.luma.isUniquelyReferenced() {
            return existing
        }
        return Frame(width: width, height: height, format: format)
    }
}
