import Foundation
import VigieCore

/// Opens the `INPUT` that every `vigie` command takes: a folder of JPEG frames, a `.jpg`/`.jpeg`,
/// a `.y4m`, an `.mjpeg`/`.mjpg`, or `-` for standard input (Y4M or MJPEG, told apart by the
/// first bytes).
public enum FrameInput {
    /// Opens `path` as a frame source.
    /// - Parameters:
    ///   - path: a folder of JPEG frames, a `.jpg`, a `.y4m`, an `.mjpeg`/`.mjpg`, or `-` for stdin.
    ///   - format: `.ycbcr420` or `.luma`; nil keeps a Y4M stream's own format.
    ///   - scale: analysis scale (DCT scaling for JPEG, box downscaling for Y4M).
    ///   - framesPerSecond: timestamps for inputs that carry no timing (JPEG folders, MJPEG).
    public static func open(_ path: String, format: PixelFormat? = nil, scale: DCTScale = .full,
                            framesPerSecond: Double = 25) throws(FrameSourceError) -> any FrameSource {
        if path == "-" {
            let reader = ByteReader(standardInput: ())
            let head = try reader.peek(9)
            if head.starts(with: Array("YUV4MPEG2".utf8)) {
                return try Y4MSource(reader: reader, format: format, scale: scale)
            }
            if head.count >= 2 && head[0] == 0xFF && head[1] == 0xD8 {
                return MJPEGSource(reader: reader, format: format ?? .ycbcr420, scale: scale, framesPerSecond: framesPerSecond)
            }
            throw .unrecognisedInput(path: "stdin", reason: head.isEmpty ? "no data"
                                     : "first bytes are neither YUV4MPEG2 nor a JPEG SOI marker (FF D8)")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .cannotOpen(path: path, reason: "no such file or folder")
        }
        if isDirectory.boolValue {
            return try JPEGFolderSource(path: path, format: format ?? .ycbcr420, scale: scale, framesPerSecond: framesPerSecond)
        }
        let lower = path.lowercased()
        if lower.hasSuffix(".jpg") || lower.hasSuffix(".jpeg") {
            return JPEGFileSource(path: path, format: format ?? .ycbcr420, scale: scale)
        }
        if lower.hasSuffix(".y4m") {
            return try Y4MSource(path: path, format: format, scale: scale)
        }
        if lower.hasSuffix(".mjpeg") || lower.hasSuffix(".mjpg") {
            return try MJPEGSource(path: path, format: format ?? .ycbcr420, scale: scale, framesPerSecond: framesPerSecond)
        }
        throw .unrecognisedInput(path: path, reason: "expected a folder of JPEG frames, .jpg, .y4m, .mjpeg or -")
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
    public static func inspect(_ path: String) throws(FrameSourceError) -> InputDescription {
        var source = try FrameInput.open(path, format: nil)
        switch source {
        case let y4m as Y4MSource:
            var count: Int? = nil
            if path != "-", let attributes = try? FileManager.default.attributesOfItem(atPath: path),
               let size = attributes[.size] as? Int {
                // Each frame is "FRAME\n" (parameters are rare) plus the pixel data.
                let headerLength = (try? readHeaderLength(path)) ?? 0
                count = (size - headerLength) / (y4m.header.frameBytes + 6)
            }
            let chroma = y4m.header.colourSpace == "mono" ? "mono (luma only)" : "YCbCr 4:2:0 (C\(y4m.header.colourSpace))"
            return InputDescription(kind: .y4m, width: y4m.header.width, height: y4m.header.height, chroma: chroma,
                                    frameCount: count, framesPerSecond: y4m.header.framesPerSecond)
        case let folder as JPEGFolderSource:
            let first = try readWholeFile(folder.files[0].path)
            let info: JPEGInfo
            do { info = try validatedInfo(first) } catch {
                throw .corruptFrame(source: path, frame: folder.files[0].number, reason: error.message)
            }
            return InputDescription(kind: .jpegFolder, width: info.width, height: info.height,
                                    chroma: info.chromaDescription, frameCount: folder.files.count, framesPerSecond: nil)
        case is JPEGFileSource:
            let bytes = try readWholeFile(path)
            let info: JPEGInfo
            do { info = try validatedInfo(bytes) } catch {
                throw .corruptFrame(source: path, frame: 1, reason: error.message)
            }
            return InputDescription(kind: .jpegFile, width: info.width, height: info.height,
                                    chroma: info.chromaDescription, frameCount: 1, framesPerSecond: nil)
        case var mjpeg as MJPEGSource:
            guard let image = try mjpeg.nextImage() else {
                throw .corruptFrame(source: source.name, frame: 1, reason: "no JPEG image in the stream")
            }
            let info: JPEGInfo
            do { info = try validatedInfo(image) } catch {
                throw .corruptFrame(source: source.name, frame: 1, reason: error.message)
            }
            let count = path == "-" ? nil : try 1 + mjpeg.countImages()
            return InputDescription(kind: .mjpeg, width: info.width, height: info.height, chroma: info.chromaDescription,
                                    frameCount: count, framesPerSecond: nil)
        default:
            guard let frame = try source.next() else { throw .emptyFolder(path: path) }
            return InputDescription(kind: source.kind, width: frame.width, height: frame.height,
                                    chroma: frame.format.displayName, frameCount: nil, framesPerSecond: nil)
        }
    }

    /// The header of a JPEG whose whole image also decodes (a truncated file fails here).
    private static func validatedInfo(_ bytes: [UInt8]) throws(JPEGError) -> JPEGInfo {
        let info = try JPEGCodec.info(of: bytes)
        _ = try JPEGCodec.decode(bytes, format: .luma, scale: .full)
        return info
    }

    private static func readHeaderLength(_ path: String) throws(FrameSourceError) -> Int {
        let reader = try ByteReader(path: path)
        guard let line = try reader.readLine(limit: 4096) else { return 0 }
        return line.count + 1
    }
}
