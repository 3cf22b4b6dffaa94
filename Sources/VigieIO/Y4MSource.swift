import VigieCore

/// What a yuv4mpeg2 stream header says.
public struct Y4MHeader: Sendable, Hashable {
    /// Frame width in pixels.
    public var width: Int
    /// Frame height in pixels.
    public var height: Int
    /// Frame rate numerator (frames per `frameRateDenominator` seconds).
    public var frameRateNumerator: Int
    /// Frame rate denominator.
    public var frameRateDenominator: Int
    /// The `C` tag: `420jpeg`, `420`, `420mpeg2`, `420paldv` or `mono`.
    public var colourSpace: String

    /// Frames per second.
    public var framesPerSecond: Double { Double(frameRateNumerator) / Double(frameRateDenominator) }
    /// Whether frames carry chroma planes.
    public var format: PixelFormat { colourSpace == "mono" ? .luma : .ycbcr420 }
    /// Bytes of pixel data per frame.
    public var frameBytes: Int {
        let luma = width * height
        return format == .luma ? luma : luma + 2 * ((width + 1) / 2) * ((height + 1) / 2)
    }

    /// The colour spaces Vigie reads. All 4:2:0 variants differ only in chroma siting.
    public static let supportedColourSpaces: Set<String> = ["420jpeg", "420", "420mpeg2", "420paldv", "mono"]

    /// The frame rates a header may give, in frames per second: one an hour to a million a second.
    public static let frameRates: ClosedRange<Double> = (1.0 / 3600)...1_000_000

    /// Parses a header line (without its newline). A frame size over `limits` is refused as
    /// `frameTooLarge` (frame 1: every frame has the header's size) before any frame is read.
    public init(parsing line: [UInt8], source: String, limits: DecodeLimits = .default) throws(FrameSourceError) {
        let text = String(decoding: line, as: UTF8.self)
        let tokens = text.split(separator: " ", omittingEmptySubsequences: true)
        guard tokens.first == "YUV4MPEG2" else {
            throw .invalidHeader(source: source, reason: "does not start with YUV4MPEG2")
        }
        var width: Int?, height: Int?
        var num = 25, den = 1
        var colour = "420jpeg"
        for token in tokens.dropFirst() {
            let value = token.dropFirst()
            switch token.first {
            case "W": width = Int(value)
            case "H": height = Int(value)
            case "F":
                let parts = value.split(separator: ":")
                guard parts.count == 2, let n = Int(parts[0]), let d = Int(parts[1]), n > 0, d > 0 else {
                    throw .invalidHeader(source: source, reason: "bad frame rate '\(escapedForMessage(token))'")
                }
                // A frame every hour at the slowest, a million a second at the fastest: past
                // these the timestamps (nanoseconds in an Int64) overflow within a few frames
                // (found by fuzzing: F1:10000000000 trapped at frame 2).
                let rate = Double(n) / Double(d)
                guard rate >= Self.frameRates.lowerBound, rate <= Self.frameRates.upperBound else {
                    throw .invalidHeader(source: source, reason: "frame rate '\(escapedForMessage(token))' out of range "
                                         + "(1 frame per hour to 1,000,000 per second)")
                }
                num = n
                den = d
            case "C": colour = String(value)
            case "I":
                if value != "p" && value != "?" {
                    throw .invalidHeader(source: source, reason: "interlaced stream '\(escapedForMessage(token))' is not supported")
                }
            default: continue
            }
        }
        guard let width, let height, width > 0, height > 0 else {
            throw .invalidHeader(source: source, reason: "missing or invalid W/H in '\(escapedForMessage(line, limit: 80))'")
        }
        if let reason = limits.violation(width: width, height: height) {
            throw .frameTooLarge(source: source, frame: 1, width: width, height: height, reason: reason)
        }
        guard Self.supportedColourSpaces.contains(colour) else {
            throw .invalidHeader(source: source, reason: "unsupported colour space C\(escapedForMessage(colour)) "
                                 + "(supported: C420jpeg, C420, C420mpeg2, C420paldv, Cmono); "
                                 + "convert it to 4:2:0 with ffmpeg: -f yuv4mpegpipe -pix_fmt yuv420p")
        }
        self.width = width
        self.height = height
        self.frameRateNumerator = num
        self.frameRateDenominator = den
        self.colourSpace = colour
    }
}

/// Frames from a yuv4mpeg2 stream (a `.y4m` file or standard input).
///
/// Timestamps come from the header's frame rate; frames are numbered from 1. This is the way in
/// for any camera: `ffmpeg -i rtsp://… -f yuv4mpegpipe -pix_fmt yuv420p - | vigie …`.
public struct Y4MSource: FrameSource {
    /// The stream header.
    public let header: Y4MHeader
    /// Path or `stdin`.
    public var name: String { reader.name }
    /// Always `.y4m`.
    public var kind: InputKind { .y4m }
    let reader: ByteReader
    var scale: DCTScale
    let wantsLuma: Bool
    var index = 0
    var finished = false

    /// Opens a `.y4m` file. A header whose frame size is over `limits` is refused
    /// (`frameTooLarge`) before any frame is allocated.
    public init(path: String, format: PixelFormat? = nil, scale: DCTScale = .full,
                limits: DecodeLimits = .default) throws(FrameSourceError) {
        try self.init(reader: ByteReader(path: path), format: format, scale: scale, limits: limits)
    }

    /// Reads a stream from standard input.
    public static func standardInput(format: PixelFormat? = nil, scale: DCTScale = .full,
                                     limits: DecodeLimits = .default) throws(FrameSourceError) -> Y4MSource {
        try Y4MSource(reader: ByteReader(standardInput: ()), format: format, scale: scale, limits: limits)
    }

    /// Reads a stream already in memory.
    public init(bytes: [UInt8], name: String = "memory", format: PixelFormat? = nil, scale: DCTScale = .full,
                limits: DecodeLimits = .default) throws(FrameSourceError) {
        try self.init(reader: ByteReader(bytes: bytes, name: name), format: format, scale: scale, limits: limits)
    }

    package init(reader: ByteReader, format: PixelFormat?, scale: DCTScale,
                 limits: DecodeLimits = .default) throws(FrameSourceError) {
        guard let line = try reader.readLine(limit: 4096) else {
            throw .invalidHeader(source: reader.name, reason: "no header line (empty or not a Y4M stream)")
        }
        header = try Y4MHeader(parsing: line, source: reader.name, limits: limits)
        self.reader = reader
        self.scale = scale
        wantsLuma = format == .luma || header.format == .luma
    }

    /// Analyses the stream at most `maxWidth` pixels wide: each frame is downscaled once, to the
    /// largest of full, 1/2, 1/4 and 1/8 size that fits (`DCTScale.fitting(width:maxWidth:)`).
    public mutating func fitAnalysis(maxWidth: Int) {
        scale = DCTScale.fitting(width: header.width, maxWidth: maxWidth)
    }

    /// The next frame; nil at end of stream.
    public mutating func next() throws(FrameSourceError) -> Frame? {
        if finished { return nil }
        guard let line = try reader.readLine(limit: 4096) else {
            finished = true
            if reader.available > 4096 {  // no newline in a whole line's length: not a FRAME header
                throw .invalidHeader(source: name, reason: "frame \(index + 1): expected FRAME, got "
                                     + "'\(escapedForMessage((0..<16).map { reader.byte(at: $0) }))'")
            }
            if reader.available > 0 {
                // Cut inside the FRAME marker: the stream ended in the middle of a frame, as when
                // it is cut inside the pixel data (same error, none of the frame's bytes read).
                throw .truncatedFrame(source: name, frame: index + 1, expectedBytes: header.frameBytes, gotBytes: 0)
            }
            return nil
        }
        index += 1
        guard line.starts(with: Array("FRAME".utf8)) else {
            finished = true
            throw .invalidHeader(source: name, reason: "frame \(index): expected FRAME, got '\(escapedForMessage(line.prefix(16)))'")
        }
        let w = header.width, h = header.height
        let seconds = Double(index - 1) * Double(header.frameRateDenominator) / Double(header.frameRateNumerator)
        // Nanoseconds in an Int64 reach 292 years: a stream that long (a frame an hour for
        // 2.5 million frames) ends here rather than trapping.
        guard seconds < 9e9 else {
            finished = true
            throw .invalidHeader(source: name, reason: "frame \(index): timestamp \(seconds) s is out of range")
        }
        let timestamp = Timestamp(seconds: seconds)
        var frame = Frame(width: w, height: h, format: wantsLuma ? .luma : .ycbcr420, timestamp: timestamp, number: index)
        var got = 0
        got += try readPlane(&frame.luma)
        if header.format == .ycbcr420 {
            if wantsLuma {
                let chroma = 2 * ((w + 1) / 2) * ((h + 1) / 2)
                let n = min(try reader.require(chroma), chroma)
                reader.skip(n)
                got += n
            } else {
                got += try readPlane(&frame.cb!)
                got += try readPlane(&frame.cr!)
            }
        }
        guard got == header.frameBytes else {
            finished = true
            throw .truncatedFrame(source: name, frame: index, expectedBytes: header.frameBytes, gotBytes: got)
        }
        return applyScale(frame, scale)
    }

    private func readPlane(_ plane: inout Plane) throws(FrameSourceError) -> Int {
        try plane.withMutableView { (view) throws(FrameSourceError) -> Int in
            var total = 0
            for y in 0..<view.height {
                let n = try reader.read(into: view.row(y), count: view.width)
                total += n
                if n < view.width { break }
            }
            return total
        }
    }
}
