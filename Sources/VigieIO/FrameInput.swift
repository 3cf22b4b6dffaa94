import Foundation
import VigieCore

/// Opens the `INPUT` that every `vigie` command takes: a folder of JPEG frames, a `.jpg`/`.jpeg`,
/// a `.y4m`, an `.mjpeg`/`.mjpg`, or `-` for standard input. Standard input and named pipes
/// (FIFOs, whatever their name) are told apart by their first bytes: Y4M or MJPEG.
public enum FrameInput {
    /// Opens `path` as a frame source.
    /// - Parameters:
    ///   - path: a folder of JPEG frames, a `.jpg`, a `.y4m`, an `.mjpeg`/`.mjpg`, or `-` for stdin.
    ///   - format: `.ycbcr420` or `.luma`; nil keeps a Y4M stream's own format.
    ///   - scale: analysis scale (DCT scaling for JPEG, box downscaling for Y4M).
    ///   - framesPerSecond: timestamps for inputs that carry no timing (JPEG folders, MJPEG).
    ///   - limits: the largest frame accepted (`DecodeLimits`): a JPEG or MJPEG image over them
    ///     is skipped as `frameTooLarge` before it is decoded, a Y4M stream over them refused
    ///     when opened.
    ///   - analysisMaxWidth: when set, replaces `scale` with the largest scale whose image is at
    ///     most this many pixels wide (`DCTScale.fitting(width:maxWidth:)`), chosen from the Y4M
    ///     header or the first JPEG image's header: JPEG decodes straight to it (DCT scaling), Y4M
    ///     frames are downscaled once each. Nil: `scale`.
    public static func open(_ path: String, format: PixelFormat? = nil, scale: DCTScale = .full,
                            framesPerSecond: Double = 25, limits: DecodeLimits = .default,
                            analysisMaxWidth: Int? = nil) throws(FrameSourceError) -> any FrameSource {
        let source = try openUnfitted(path, format: format, scale: scale, framesPerSecond: framesPerSecond, limits: limits)
        guard let maxWidth = analysisMaxWidth else { return source }
        precondition(maxWidth > 0, "analysisMaxWidth must be positive, got \(maxWidth)")
        switch source {
        case var s as JPEGFolderSource:
            s.fitWidth = maxWidth
            return s
        case var s as JPEGFileSource:
            s.fitWidth = maxWidth
            return s
        case var s as MJPEGSource:
            s.fitWidth = maxWidth
            return s
        case var s as Y4MSource:
            s.fitAnalysis(maxWidth: maxWidth)
            return s
        default:
            return source
        }
    }

    private static func openUnfitted(_ path: String, format: PixelFormat?, scale: DCTScale, framesPerSecond: Double,
                                     limits: DecodeLimits) throws(FrameSourceError) -> any FrameSource {
        if path == "-" {
            return try detect(ByteReader(standardInput: ()), name: "stdin", format: format, scale: scale,
                              framesPerSecond: framesPerSecond, limits: limits)
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .cannotOpen(path: path, reason: "no such file or folder")
        }
        if isDirectory.boolValue {
            return try JPEGFolderSource(path: path, format: format ?? .ycbcr420, scale: scale,
                                        framesPerSecond: framesPerSecond, limits: limits)
        }
        let lower = path.lowercased()
        if lower.hasSuffix(".jpg") || lower.hasSuffix(".jpeg") {
            return JPEGFileSource(path: path, format: format ?? .ycbcr420, scale: scale, limits: limits)
        }
        if lower.hasSuffix(".y4m") {
            return try Y4MSource(path: path, format: format, scale: scale, limits: limits)
        }
        if lower.hasSuffix(".mjpeg") || lower.hasSuffix(".mjpg") {
            return try MJPEGSource(path: path, format: format ?? .ycbcr420, scale: scale,
                                   framesPerSecond: framesPerSecond, limits: limits)
        }
        if isNamedPipe(path) {
            return try detect(ByteReader(path: path), name: path, format: format, scale: scale,
                              framesPerSecond: framesPerSecond, limits: limits)
        }
        throw .unrecognisedInput(path: path, reason: "expected a folder of JPEG frames, .jpg, .y4m, .mjpeg, a named pipe or -")
    }

    /// A stream (standard input, a named pipe) told apart by its first bytes: `YUV4MPEG2` or a
    /// JPEG SOI marker (FF D8).
    private static func detect(_ reader: ByteReader, name: String, format: PixelFormat?, scale: DCTScale,
                               framesPerSecond: Double, limits: DecodeLimits) throws(FrameSourceError) -> any FrameSource {
        let head = try reader.peek(9)
        if head.starts(with: Array("YUV4MPEG2".utf8)) {
            return try Y4MSource(reader: reader, format: format, scale: scale, limits: limits)
        }
        if head.count >= 2 && head[0] == 0xFF && head[1] == 0xD8 {
            return MJPEGSource(reader: reader, format: format ?? .ycbcr420, scale: scale,
                               framesPerSecond: framesPerSecond, limits: limits)
        }
        throw .unrecognisedInput(path: name, reason: head.isEmpty ? "no data"
                                 : "first bytes '\(escapedForMessage(head))' are neither YUV4MPEG2 nor a JPEG SOI marker (FF D8)")
    }

    /// Whether `path` is a named pipe (FIFO).
    private static func isNamedPipe(_ path: String) -> Bool {
        var status = stat()
        guard stat(path, &status) == 0 else { return false }
        return status.st_mode & S_IFMT == S_IFIFO
    }
}

/// What `vigie info` reports about an input: kind, geometry, chroma and length, never pixels.
public struct InputDescription: Sendable, Hashable {
    /// The input kind.
    public var kind: InputKind
    /// Frame width in pixels.
    public var width: Int
    /// Frame height in pixels.
    public var height: Int
    /// Chroma format as text (`YCbCr 4:2:0`, `mono`…).
    public var chroma: String
    /// Number of frames, when it can be known without reading a live stream.
    public var frameCount: Int?
    /// Frames per second, for streams that declare one (Y4M).
    public var framesPerSecond: Double?

    /// A description from its parts.
    public init(kind: InputKind, width: Int, height: Int, chroma: String, frameCount: Int?, framesPerSecond: Double?) {
        self.kind = kind
        self.width = width
        self.height = height
        self.chroma = chroma
        self.frameCount = frameCount
        self.framesPerSecond = framesPerSecond
    }

    /// Inspects an input. Files are measured exactly (a Y4M file from its size, an MJPEG file by
    /// walking its images, a folder by listing it); standard input reports its header only.
    /// A JPEG over `limits` is refused from its header (`frameTooLarge`), never decoded.
    public static func inspect(_ path: String, limits: DecodeLimits = .default) throws(FrameSourceError) -> InputDescription {
        var source = try FrameInput.open(path, format: nil, limits: limits)
        switch source {
        case let y4m as Y4MSource:
            var count: Int? = nil
            if path != "-", !isNamedPipe(path), let attributes = try? FileManager.default.attributesOfItem(atPath: path),
               let size = attributes[.size] as? Int {
                // Each frame is "FRAME\n" (parameters are rare) plus the pixel data.
                let headerLength = (try? readHeaderLength(path)) ?? 0
                count = (size - headerLength) / (y4m.header.frameBytes + 6)
            }
            let chroma = y4m.header.colourSpace == "mono" ? "mono (luma only)" : "YCbCr 4:2:0 (C\(y4m.header.colourSpace))"
            return InputDescription(kind: .y4m, width: y4m.header.width, height: y4m.header.height, chroma: chroma,
                                    frameCount: count, framesPerSecond: y4m.header.framesPerSecond)
        case let folder as JPEGFolderSource:
            let (number, file) = folder.files[0]
            let first = try readWholeFile(file, frame: number, limit: limits.maxEncodedBytes)
            let info: JPEGInfo
            do { info = try validatedInfo(first, limits: limits) } catch {
                throw .jpeg(error, source: path, frame: number, file: file)
            }
            return InputDescription(kind: .jpegFolder, width: info.width, height: info.height,
                                    chroma: info.chromaDescription, frameCount: folder.files.count, framesPerSecond: nil)
        case is JPEGFileSource:
            let bytes = try readWholeFile(path, limit: limits.maxEncodedBytes)
            let info: JPEGInfo
            do { info = try validatedInfo(bytes, limits: limits) } catch {
                throw .jpeg(error, source: path, frame: 1, file: path)
            }
            return InputDescription(kind: .jpegFile, width: info.width, height: info.height,
                                    chroma: info.chromaDescription, frameCount: 1, framesPerSecond: nil)
        case var mjpeg as MJPEGSource:
            guard let image = try mjpeg.nextImage() else {
                throw .corruptFrame(source: source.name, frame: 1, reason: "no JPEG image in the stream")
            }
            let info: JPEGInfo
            do { info = try validatedInfo(image, limits: limits) } catch {
                throw .jpeg(error, source: source.name, frame: 1, file: source.name)
            }
            let count = path == "-" || isNamedPipe(path) ? nil : try 1 + mjpeg.countImages()
            return InputDescription(kind: .mjpeg, width: info.width, height: info.height, chroma: info.chromaDescription,
                                    frameCount: count, framesPerSecond: nil)
        default:
            guard let frame = try source.next() else { throw .emptyFolder(path: path) }
            return InputDescription(kind: source.kind, width: frame.width, height: frame.height,
                                    chroma: frame.format.displayName, frameCount: nil, framesPerSecond: nil)
        }
    }

    /// The header of a JPEG whose whole image also decodes (a truncated file fails here); an
    /// image over `limits` is refused from its header, before the decode.
    private static func validatedInfo(_ bytes: [UInt8], limits: DecodeLimits) throws(JPEGError) -> JPEGInfo {
        let info = try JPEGCodec.checkedInfo(of: bytes, limits: limits)
        _ = try JPEGCodec.decode(bytes, format: .luma, scale: .full, limits: limits)
        return info
    }

    private static func isNamedPipe(_ path: String) -> Bool {
        var status = stat()
        guard stat(path, &status) == 0 else { return false }
        return status.st_mode & S_IFMT == S_IFIFO
    }

    private static func readHeaderLength(_ path: String) throws(FrameSourceError) -> Int {
        let reader = try ByteReader(path: path)
        guard let line = try reader.readLine(limit: 4096) else { return 0 }
        return line.count + 1
    }
}
