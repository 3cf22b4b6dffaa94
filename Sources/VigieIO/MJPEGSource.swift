import VigieCore

/// Frames from a motion-JPEG stream: JPEG images one after another (a `.mjpeg` file, or
/// `ffmpeg … -f mjpeg -` on standard input).
///
/// Each image is delimited by walking its marker segments to the scan and then its entropy-coded
/// data to the EOI marker, so an `FF D9` inside a thumbnail or a segment does not cut a frame
/// short. Bytes between images are skipped. A corrupt image is reported as a recoverable error and
/// the stream goes on. An image over the `DecodeLimits` (more encoded bytes than
/// `maxEncodedBytes`, a header over the size limits) is skipped as `frameTooLarge` before it is
/// decoded, so the stream, not its worst image, decides the memory.
public struct MJPEGSource: FrameSource {
    /// Path or `stdin`.
    public var name: String { reader.name }
    /// Always `.mjpeg`.
    public var kind: InputKind { .mjpeg }
    /// Frames per second used for timestamps (MJPEG carries no timing).
    public let framesPerSecond: Double
    let reader: ByteReader
    let format: PixelFormat
    var scale: DCTScale
    var fitWidth: Int?
    var index = 0
    var size: (width: Int, height: Int)?
    var reusable: Frame?
    let decoder: JPEGDecoder

    /// Opens a `.mjpeg` file.
    public init(path: String, format: PixelFormat = .ycbcr420, scale: DCTScale = .full,
                framesPerSecond: Double = 25, limits: DecodeLimits = .default) throws(FrameSourceError) {
        self.init(reader: try ByteReader(path: path), format: format, scale: scale, framesPerSecond: framesPerSecond,
                  limits: limits)
    }

    /// Reads a stream already in memory.
    public init(bytes: [UInt8], name: String = "memory", format: PixelFormat = .ycbcr420, scale: DCTScale = .full,
                framesPerSecond: Double = 25, limits: DecodeLimits = .default) {
        self.init(reader: ByteReader(bytes: bytes, name: name), format: format, scale: scale,
                  framesPerSecond: framesPerSecond, limits: limits)
    }

    /// Reads a stream from standard input.
    public static func standardInput(format: PixelFormat = .ycbcr420, scale: DCTScale = .full,
                                     framesPerSecond: Double = 25, limits: DecodeLimits = .default) -> MJPEGSource {
        MJPEGSource(reader: ByteReader(standardInput: ()), format: format, scale: scale, framesPerSecond: framesPerSecond,
                    limits: limits)
    }

    package init(reader: ByteReader, format: PixelFormat, scale: DCTScale, framesPerSecond: Double,
                 limits: DecodeLimits = .default) {
        precondition(framesPerSecond > 0, "frame rate must be positive, got \(framesPerSecond)")
        decoder = JPEGDecoder(limits: limits)
        self.reader = reader
        self.format = format
        self.scale = scale
        self.framesPerSecond = framesPerSecond
    }

    /// The next frame; nil at end of stream.
    public mutating func next() throws(FrameSourceError) -> Frame? {
        let image: [UInt8]
        do {
            guard let next = try nextImage() else { return nil }
            image = next
        } catch {
            if case .frameTooLarge = error { index += 1 }  // that image is skipped: count it
            throw error
        }
        index += 1
        let timestamp = Timestamp(frameIndex: index - 1, framesPerSecond: framesPerSecond)
        fitScale(to: image, &scale, &fitWidth)
        do {
            try decoder.decode(image, into: &reusable, format: format, scale: scale, timestamp: timestamp, number: index)
        } catch {
            throw .jpeg(error, source: name, frame: index, file: name)
        }
        let frame = reusable!
        if let size, size != (frame.width, frame.height) {
            throw .frameSizeChanged(source: name, frame: index, expected: "\(size.width)x\(size.height)",
                                    got: "\(frame.width)x\(frame.height)")
        }
        size = (frame.width, frame.height)
        return frame
    }

    /// Counts the images left in the stream without decoding them (consumes the stream).
    public mutating func countImages() throws(FrameSourceError) -> Int {
        var n = 0
        while try nextImage() != nil { n += 1 }
        return n
    }

    /// The bytes of the next image, from SOI to EOI; a truncated last image is returned as it is,
    /// so the decoder reports it. An image longer than `maxEncodedBytes` is skipped (up to the
    /// next SOI) and reported as `frameTooLarge`, never held whole in memory.
    mutating func nextImage() throws(FrameSourceError) -> [UInt8]? {
        let limit = decoder.limits.maxEncodedBytes
        func refuse(_ consumed: Int) -> FrameSourceError {
            reader.skip(min(consumed, reader.available))
            return .frameTooLarge(source: name, frame: index + 1, width: 0, height: 0,
                                  reason: "image has more than \(limit) encoded bytes")
        }
        // Find SOI (FF D8 FF).
        while true {
            if try reader.require(3) < 3 {
                reader.skip(reader.available)
                return nil
            }
            if reader.byte(at: 0) == 0xFF && reader.byte(at: 1) == 0xD8 && reader.byte(at: 2) == 0xFF { break }
            reader.skip(1)
        }
        var p = 2  // after SOI
        // Marker segments up to SOS.
        while true {
            if p > limit { throw refuse(p) }
            guard try reader.require(p + 4) >= p + 4 else { return try reader.read(reader.available) }
            guard reader.byte(at: p) == 0xFF else { return try reader.read(p) }  // garbage: let the decoder say so
            let marker = reader.byte(at: p + 1)
            if marker == 0xFF { p += 1; continue }  // fill byte
            if marker == 0xD9 { return try reader.read(p + 2) }
            if (0xD0...0xD7).contains(marker) || marker == 0x01 { p += 2; continue }
            let length = Int(reader.byte(at: p + 2)) << 8 | Int(reader.byte(at: p + 3))
            p += 2 + length
            if marker == 0xDA { break }
        }
        // Entropy-coded data (possibly several scans) up to EOI.
        while true {
            if p > limit { throw refuse(p) }
            guard try reader.require(p + 2) >= p + 2 else { return try reader.read(reader.available) }
            if reader.byte(at: p) == 0xFF {
                let next = reader.byte(at: p + 1)
                if next == 0xD9 { return try reader.read(p + 2) }
                if next == 0xD8 { return try reader.read(p) }  // next image began: this one is truncated
                if next != 0x00 && !(0xD0...0xD7).contains(next) && next != 0xFF, next != 0x01 {
                    // Another marker segment between scans (DHT, SOS of a progressive image…).
                    guard try reader.require(p + 4) >= p + 4 else { return try reader.read(reader.available) }
                    let length = Int(reader.byte(at: p + 2)) << 8 | Int(reader.byte(at: p + 3))
                    p += 2 + length
                    continue
                }
                p += next == 0xFF ? 1 : 2
                continue
            }
            p += 1
        }
    }
}
