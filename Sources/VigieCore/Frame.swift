import VigieKernels

/// How a frame stores colour.
public enum PixelFormat: String, Sendable, Hashable, Codable {
    /// One luma (Y) plane.
    case luma
    /// Planar YCbCr 4:2:0: a full-size luma plane and two chroma planes of ceil(w/2) x ceil(h/2)
    /// (the layout of JPEG, Y4M `C420*` and camera decoders).
    case ycbcr420

    /// Human-readable name: `luma only` or `YCbCr 4:2:0`.
    public var displayName: String { self == .luma ? "luma only" : "YCbCr 4:2:0" }
}

/// One video frame: planar 8-bit pixels, a presentation timestamp and its number in the source.
///
/// A frame is a raw image of a scene with people in it. Its pixels can be put in publicly but
/// only read back inside the package; the only image that leaves Vigie is `AnonymisedFrame`.
/// `description` and reflection show geometry and time only.
public struct Frame: Sendable {
    /// Luma plane (full size).
    package var luma: Plane
    /// Blue-difference chroma plane, ceil(w/2) x ceil(h/2); nil for luma-only frames.
    package var cb: Plane?
    /// Red-difference chroma plane, ceil(w/2) x ceil(h/2); nil for luma-only frames.
    package var cr: Plane?
    /// Capture time from the start of the stream.
    public var timestamp: Timestamp
    /// Frame number in its source (from the file name for JPEG folders, counting from 1 for streams).
    public var number: Int

    /// Width in pixels.
    public var width: Int { luma.width }
    /// Height in pixels.
    public var height: Int { luma.height }
    /// `.luma` or `.ycbcr420`.
    public var format: PixelFormat { cb == nil ? .luma : .ycbcr420 }

    /// A luma-only frame.
    public init(luma: Plane, timestamp: Timestamp = .zero, number: Int = 1) {
        self.luma = luma
        self.cb = nil
        self.cr = nil
        self.timestamp = timestamp
        self.number = number
    }

    /// A YCbCr 4:2:0 frame.
    /// - Throws: `FrameError.planeSizeMismatch` unless both chroma planes are ceil(w/2) x ceil(h/2).
    public init(luma: Plane, cb: Plane, cr: Plane, timestamp: Timestamp = .zero, number: Int = 1) throws(FrameError) {
        let cw = (luma.width + 1) / 2, ch = (luma.height + 1) / 2
        for (name, plane) in [("Cb", cb), ("Cr", cr)] where plane.width != cw || plane.height != ch {
            throw .planeSizeMismatch(plane: name, expectedWidth: cw, expectedHeight: ch,
                                     width: plane.width, height: plane.height)
        }
        self.luma = luma
        self.cb = cb
        self.cr = cr
        self.timestamp = timestamp
        self.number = number
    }

    /// A frame of uniform colour (useful for tests and placeholders).
    public init(width: Int, height: Int, format: PixelFormat, y: UInt8 = 0, cb: UInt8 = 128, cr: UInt8 = 128,
                timestamp: Timestamp = .zero, number: Int = 1) {
        luma = Plane(width: width, height: height, filledWith: y)
        if format == .ycbcr420 {
            self.cb = Plane(width: (width + 1) / 2, height: (height + 1) / 2, filledWith: cb)
            self.cr = Plane(width: (width + 1) / 2, height: (height + 1) / 2, filledWith: cr)
        }
        self.timestamp = timestamp
        self.number = number
    }

    /// A view of the region `rect`, sharing storage until mutated. For 4:2:0 frames the
    /// region is first widened to even coordinates so chroma stays aligned with luma.
    public func cropped(to rect: PixelRect) -> Frame {
        var r = rect
        if format == .ycbcr420 {
            let x0 = r.x & ~1, y0 = r.y & ~1
            r = PixelRect(x: x0, y: y0, width: min(width - x0, r.width + (r.x - x0)),
                          height: min(height - y0, r.height + (r.y - y0)))
        }
        var out = Frame(luma: luma.cropped(to: r), timestamp: timestamp, number: number)
        if let cb, let cr {
            let c = PixelRect(x: r.x / 2, y: r.y / 2, width: (r.width + 1) / 2, height: (r.height + 1) / 2)
            out.cb = cb.cropped(to: c)
            out.cr = cr.cropped(to: c)
        }
        return out
    }

    /// This frame at half size (ceil) in each direction, every plane 2x2 box-averaged.
    public func downscaled2x() -> Frame {
        var out = Frame(luma: luma.downscaled2x(), timestamp: timestamp, number: number)
        out.cb = cb?.downscaled2x()
        out.cr = cr?.downscaled2x()
        return out
    }

    /// Writes this frame at half size into `out` (every plane 2x2 box-averaged, same time and
    /// number), reusing `out`'s planes when they have the right size and are not shared.
    /// Package-only: the allocation-free form of ``downscaled2x()``.
    package func downscale2x(into out: inout Frame?) {
        if out == nil || out!.format != format || out!.width != (width + 1) / 2 || out!.height != (height + 1) / 2 {
            out = downscaled2x()
            return
        }
        luma.downscale2x(into: &out!.luma)
        if let cb, let cr {
            cb.downscale2x(into: &out!.cb!)
            cr.downscale2x(into: &out!.cr!)
        }
        out!.timestamp = timestamp
        out!.number = number
    }

    /// The luma plane alone, as a luma-only frame.
    public var lumaOnly: Frame { Frame(luma: luma, timestamp: timestamp, number: number) }

    /// Whether both frames hold the same pixels in the same format. Package-only.
    package func hasSamePixels(as other: Frame) -> Bool {
        guard format == other.format, luma.hasSamePixels(as: other.luma) else { return false }
        if let cb, let cr, let ocb = other.cb, let ocr = other.cr {
            return cb.hasSamePixels(as: ocb) && cr.hasSamePixels(as: ocr)
        }
        return true
    }
}

extension Frame: CustomStringConvertible, CustomReflectable {
    /// Geometry and time only: `Frame(320x240 YCbCr 4:2:0, #12 at 0.480s)`.
    public var description: String { "Frame(\(width)x\(height) \(format.displayName), #\(number) at \(timestamp))" }
    /// Geometry and time only, never pixels.
    public var customMirror: Mirror {
        Mirror(self, children: ["width": width, "height": height, "format": format,
                                "number": number, "timestamp": timestamp])
    }
}
