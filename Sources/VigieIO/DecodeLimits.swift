import CVigieJPEG

/// The largest input a decoder accepts, so that a file, not the integrator, never decides how
/// much memory a camera takes.
///
/// A JPEG's header is read first (`jpeg_read_header`) and an image over these limits is refused
/// before anything is allocated for it; a Y4M stream's header is checked the same way when the
/// stream is opened, and an MJPEG image's encoded size is bounded while it is delimited. The
/// defaults: 8192 x 8192 pixels, at most 8192 x 8192 = 67,108,864 pixels in all, 100 scans,
/// 96 MiB of libjpeg working memory and 64 MiB of encoded bytes per image.
///
/// Memory: a decoded 4:2:0 frame takes 1.5 bytes a pixel, so the default pixel budget bounds a
/// frame at 96 MiB; libjpeg's own buffers are bounded by ``maxDecoderMemory`` (a progressive
/// image holds all its DCT coefficients, 2 bytes a sample, so the largest progressive 4:2:0
/// image under the default is about 32 Mpixel).
///
/// ```swift
/// var limits = DecodeLimits()
/// limits.maxPixels = 1920 * 1080       // this camera never sends more than 1080p
/// let source = try FrameInput.open("/srv/cam3", limits: limits)
/// ```
public struct DecodeLimits: Sendable, Hashable {
    /// Widest frame accepted, pixels (default 8192).
    public var maxWidth: Int
    /// Tallest frame accepted, pixels (default 8192).
    public var maxHeight: Int
    /// Most pixels (width x height) accepted in one frame (default 8192 x 8192).
    public var maxPixels: Int
    /// Most scans a JPEG may have (default 100; a progressive camera image has about 10).
    public var maxScans: Int
    /// Most bytes libjpeg may use for its own buffers while decoding one image
    /// (`cinfo->mem->max_memory_to_use`; default 96 MiB).
    public var maxDecoderMemory: Int
    /// Most encoded bytes one JPEG image (a file of a folder, an MJPEG image) may have
    /// (default 64 MiB).
    public var maxEncodedBytes: Int

    /// Limits; every value must be positive.
    public init(maxWidth: Int = 8192, maxHeight: Int = 8192, maxPixels: Int = 8192 * 8192, maxScans: Int = 100,
                maxDecoderMemory: Int = 96 << 20, maxEncodedBytes: Int = 64 << 20) {
        precondition(maxWidth > 0 && maxHeight > 0 && maxPixels > 0 && maxScans > 0 && maxDecoderMemory > 0
                     && maxEncodedBytes > 0, "decode limits must be positive")
        self.maxWidth = maxWidth
        self.maxHeight = maxHeight
        self.maxPixels = maxPixels
        self.maxScans = maxScans
        self.maxDecoderMemory = maxDecoderMemory
        self.maxEncodedBytes = maxEncodedBytes
    }

    /// The defaults: 8192 x 8192, 67,108,864 pixels, 100 scans, 96 MiB decoder memory, 64 MiB per image.
    public static let `default` = DecodeLimits()

    /// Why a `width` x `height` frame is over the limits (`width above 8192`), or nil if it is not.
    public func violation(width: Int, height: Int) -> String? {
        if width > maxWidth { return "width above \(maxWidth)" }
        if height > maxHeight { return "height above \(maxHeight)" }
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        if overflow || pixels > maxPixels { return "more than \(maxPixels) pixels" }
        return nil
    }

    /// The limits as CVigieJPEG takes them.
    var c: vg_jpeg_limits {
        vg_jpeg_limits(max_width: maxWidth, max_height: maxHeight, max_pixels: Int64(maxPixels),
                       max_scans: Int32(clamping: maxScans), max_memory: maxDecoderMemory)
    }
}

/// Why a decoder refused an image without decoding it: its size or its cost was over the
/// `DecodeLimits`.
public struct DecodeLimitExceeded: Sendable, Hashable {
    /// The image's width from its header (0 when the refusal is not about the size).
    public var width: Int
    /// The image's height from its header (0 when the refusal is not about the size).
    public var height: Int
    /// Which limit (`width above 8192`, `image has more than 100 scans`, …).
    public var reason: String

    /// A refusal from its parts.
    public init(width: Int, height: Int, reason: String) {
        self.width = width
        self.height = height
        self.reason = reason
    }
}
