import Foundation
import VigieCore

/// An error writing an output file or stream.
public struct WriteError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The path written to (`stdout` for standard output).
    public var path: String
    /// What went wrong.
    public var reason: String

    /// An error from its parts.
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    /// `cannot write out/bin000001.pgm: No such file or directory`.
    public var description: String { "cannot write \(path): \(reason)" }
}

/// Writes masks as binary PGM (P5) images: 0 and 255, one byte per pixel.
///
/// A mask is a silhouette, so only masks can be written this way, never a frame.
public enum PGMWriter {
    /// The PGM bytes of a mask. Package-only: masks leave the library as files (`write`), which
    /// is what `vigie motion` promises, never as bytes an integrator could send elsewhere.
    package static func encode(_ mask: Mask) -> [UInt8] {
        var out = Array("P5\n\(mask.width) \(mask.height)\n255\n".utf8)
        out.reserveCapacity(out.count + mask.width * mask.height)
        mask.plane.withView { view in
            for y in 0..<view.height { out.append(contentsOf: UnsafeBufferPointer(start: view.row(y), count: view.width)) }
        }
        return out
    }

    /// Writes a mask to a `.pgm` file.
    public static func write(_ mask: Mask, to path: String) throws(WriteError) {
        try writeFile(encode(mask), to: path)
    }
}

/// Writes anonymised frames as a yuv4mpeg2 stream (`C420jpeg` or `Cmono`) to a file or stdout,
/// so `vigie … | ffmpeg -f yuv4mpegpipe -i - out.mp4` works. Accepts only `AnonymisedFrame`.
public final class Y4MWriter {
    private let handle: FileHandle
    private let path: String
    private var header: (width: Int, height: Int, format: PixelFormat)?
    private let framesPerSecond: (Int, Int)

    /// Writes to a file (created or truncated).
    public init(path: String, framesPerSecond: (numerator: Int, denominator: Int) = (25, 1)) throws(WriteError) {
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forWritingAtPath: path) else {
            throw WriteError(path: path, reason: "cannot create file")
        }
        self.handle = handle
        self.path = path
        self.framesPerSecond = framesPerSecond
    }

    /// Writes to standard output.
    public init(standardOutput: Void = (), framesPerSecond: (numerator: Int, denominator: Int) = (25, 1)) {
        handle = .standardOutput
        path = "stdout"
        self.framesPerSecond = framesPerSecond
    }

    /// Appends one frame; the first frame fixes the stream's size and format.
    public func write(_ image: AnonymisedFrame) throws(WriteError) {
        let frame = image.frame
        if let header {
            guard header.width == frame.width, header.height == frame.height, header.format == frame.format else {
                throw WriteError(path: path, reason: "frame \(frame.width)x\(frame.height) differs from stream "
                                 + "\(header.width)x\(header.height)")
            }
        } else {
            let c = frame.format == .luma ? "mono" : "420jpeg"
            let line = "YUV4MPEG2 W\(frame.width) H\(frame.height) F\(framesPerSecond.0):\(framesPerSecond.1) Ip A1:1 C\(c)\n"
            try put(Array(line.utf8))
            header = (frame.width, frame.height, frame.format)
        }
        var bytes = Array("FRAME\n".utf8)
        bytes.append(contentsOf: frame.luma.packedPixels)
        if let cb = frame.cb, let cr = frame.cr {
            bytes.append(contentsOf: cb.packedPixels)
            bytes.append(contentsOf: cr.packedPixels)
        }
        try put(bytes)
    }

    /// Flushes and closes a file (standard output stays open).
    public func close() {
        if path != "stdout" { try? handle.close() }
    }

    private func put(_ bytes: [UInt8]) throws(WriteError) {
        do { try handle.write(contentsOf: bytes) } catch { throw WriteError(path: path, reason: "\(error)") }
    }
}

/// Writes an anonymised frame as a JPEG file.
public enum JPEGFileWriter {
    /// Encodes and writes; only anonymised frames can be written.
    public static func write(_ image: AnonymisedFrame, to path: String, quality: Int = 85) throws(WriteError) {
        let bytes: [UInt8]
        do { bytes = try JPEGCodec.encode(image, quality: quality) } catch {
            throw WriteError(path: path, reason: error.description)
        }
        try writeFile(bytes, to: path)
    }
}

func writeFile(_ bytes: [UInt8], to path: String) throws(WriteError) {
    do { try Data(bytes).write(to: URL(fileURLWithPath: path)) } catch {
        throw WriteError(path: path, reason: (error as NSError).localizedDescription)
    }
}
