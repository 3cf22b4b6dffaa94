import Foundation
import VigieCore

/// Frames from a folder of JPEG files, in natural order of the numbers in their names
/// (`in000001.jpg`, `in000002.jpg`, … or `frame_9.jpg` before `frame_10.jpg`).
///
/// A frame's number is the last run of digits in its file name (the CDnet convention), or its
/// position from 1 when the name has none. Timestamps are `(number - first) / framesPerSecond`.
public struct JPEGFolderSource: FrameSource {
    /// The folder path.
    public let name: String
    /// Always `.jpegFolder`.
    public var kind: InputKind { .jpegFolder }
    /// The frame files in order, with their frame numbers.
    public let files: [(number: Int, path: String)]
    /// Frames per second used for timestamps.
    public let framesPerSecond: Double
    let format: PixelFormat
    var scale: DCTScale
    /// Set by `FrameInput.open(…analysisMaxWidth:)`: the scale is chosen from the first image's header.
    var fitWidth: Int?
    var position = 0
    var size: (width: Int, height: Int)?
    var reusable: Frame?
    let decoder: JPEGDecoder

    /// Lists the folder's `.jpg`/`.jpeg` files.
    /// - Parameters:
    ///   - path: the folder; its JPEG files are read in the order of the frame number in their
    ///     names (names without one last, alphabetically).
    ///   - format: the pixel format the frames are decoded to.
    ///   - scale: the DCT scaling applied while decoding (full size by default).
    ///   - framesPerSecond: the rate the frames' timestamps are spaced at.
    ///   - limits: a file over them (bytes, or size in its header) is refused as
    ///     `frameTooLarge` before it is read or decoded; the stream goes on.
    /// - Throws: `cannotOpen` when the folder cannot be listed, `emptyFolder` when it holds no JPEG.
    public init(path: String, format: PixelFormat = .ycbcr420, scale: DCTScale = .full,
                framesPerSecond: Double = 25, limits: DecodeLimits = .default) throws(FrameSourceError) {
        precondition(framesPerSecond > 0, "frame rate must be positive, got \(framesPerSecond)")
        decoder = JPEGDecoder(limits: limits)
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw .cannotOpen(path: path, reason: "cannot list folder")
        }
        let jpegs = names.filter { name in
            let lower = name.lowercased()
            return (lower.hasSuffix(".jpg") || lower.hasSuffix(".jpeg")) && !name.hasPrefix(".")
        }
        guard !jpegs.isEmpty else { throw .emptyFolder(path: path) }
        let numbered = jpegs.map { (Self.frameNumber(inFileName: $0), $0) }
        let sorted = numbered.sorted { a, b in
            switch (a.0, b.0) {
            case let (x?, y?) where x != y: return x < y
            case (nil, _?): return false
            case (_?, nil): return true
            default: return a.1 < b.1
            }
        }
        let directory = path.hasSuffix("/") ? path : path + "/"
        files = sorted.enumerated().map { i, entry in (entry.0 ?? i + 1, directory + entry.1) }
        name = path
        self.format = format
        self.scale = scale
        self.framesPerSecond = framesPerSecond
    }

    /// The last run of decimal digits in a file name, without its extension (`in000123.jpg` → 123).
    public static func frameNumber(inFileName name: String) -> Int? {
        let base = name.split(separator: ".", omittingEmptySubsequences: false).dropLast().joined(separator: ".")
        var digits = Substring()
        var current = Substring()
        var start = base.startIndex
        for i in base.indices {
            if base[i].isASCII && base[i].isNumber {
                if current.isEmpty { start = i }
                current = base[start...i]
            } else if !current.isEmpty {
                digits = current
                current = ""
            }
        }
        if !current.isEmpty { digits = current }
        return digits.isEmpty ? nil : Int(digits.prefix(18))
    }

    /// The next frame; nil after the last file.
    public mutating func next() throws(FrameSourceError) -> Frame? {
        guard position < files.count else { return nil }
        let (number, path) = files[position]
        position += 1
        let bytes: [UInt8]
        do {
            bytes = try readWholeFile(path, frame: number, limit: decoder.limits.maxEncodedBytes)
        } catch .cannotOpen {
            throw .corruptFrame(source: name, frame: number, reason: "cannot read \(path)")
        }
        let first = files[0].number
        // A number far from the first (`a_1.jpg`, `b_999999999999.jpg`) would overflow the
        // timestamp's nanoseconds (an Int64: 292 years): refused rather than trapping.
        guard Double(number - first) / framesPerSecond < 9e9 else {
            throw .corruptFrame(source: name, frame: number,
                                reason: "\(lastPathComponent(path)): frame number \(number) is too far from the first (\(first)) for a timestamp")
        }
        let timestamp = Timestamp(frameIndex: number - first, framesPerSecond: framesPerSecond)
        fitScale(to: bytes, &scale, &fitWidth)
        do {
            try decoder.decode(bytes, into: &reusable, format: format, scale: scale, timestamp: timestamp, number: number)
        } catch {
            throw .jpeg(error, source: name, frame: number, file: path,
                        reason: "\(lastPathComponent(path)): \(error.message)")
        }
        let frame = reusable!
        if let size, size != (frame.width, frame.height) {
            throw .frameSizeChanged(source: name, frame: number, expected: "\(size.width)x\(size.height)",
                                    got: "\(frame.width)x\(frame.height)")
        }
        size = (frame.width, frame.height)
        return frame
    }
}

/// One JPEG file as a one-frame source.
public struct JPEGFileSource: FrameSource {
    /// The file path.
    public let name: String
    /// Always `.jpegFile`.
    public var kind: InputKind { .jpegFile }
    let format: PixelFormat
    var scale: DCTScale
    var fitWidth: Int?
    /// What the source accepts (`DecodeLimits`).
    public let limits: DecodeLimits
    var done = false

    /// A source for one file; nothing is read until `next()`. A file over `limits` is refused
    /// as `frameTooLarge` before it is read or decoded.
    public init(path: String, format: PixelFormat = .ycbcr420, scale: DCTScale = .full,
                limits: DecodeLimits = .default) {
        name = path
        self.format = format
        self.scale = scale
        self.limits = limits
    }

    /// The image, then nil.
    public mutating func next() throws(FrameSourceError) -> Frame? {
        if done { return nil }
        done = true
        let bytes = try readWholeFile(name, frame: 1, limit: limits.maxEncodedBytes)
        fitScale(to: bytes, &scale, &fitWidth)
        do {
            return try JPEGCodec.decode(bytes, format: format, scale: scale, limits: limits)
        } catch {
            throw .jpeg(error, source: name, frame: 1, file: name)
        }
    }
}

/// Chooses `scale` once, from the first image's header, when `fitWidth` is set (then cleared): the
/// camera keeps that scale, so its frames keep one size. A header that cannot be read leaves the
/// scale as it is (the decode reports the error) and tries again on the next image.
func fitScale(to bytes: [UInt8], _ scale: inout DCTScale, _ fitWidth: inout Int?) {
    guard let maxWidth = fitWidth, let info = try? JPEGCodec.info(of: bytes) else { return }
    scale = DCTScale.fitting(width: info.width, maxWidth: maxWidth)
    fitWidth = nil
}

/// The bytes of a file, or `cannotOpen`; with `limit`, a file of more bytes is refused as
/// `frameTooLarge` (frame number `frame`) without being read.
package func readWholeFile(_ path: String, frame: Int = 1, limit: Int? = nil) throws(FrameSourceError) -> [UInt8] {
    if let limit, let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size > limit {
        throw .frameTooLarge(source: path, frame: frame, width: 0, height: 0,
                             reason: "file has \(size) bytes, more than \(limit)")
    }
    do {
        return try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
    } catch {
        throw .cannotOpen(path: path, reason: FileManager.default.fileExists(atPath: path) ? "cannot read file" : "no such file")
    }
}

func lastPathComponent(_ path: String) -> String {
    path.split(separator: "/").last.map(String.init) ?? path
}
