import Foundation
import SharedTestData
import VigieKernels
@testable import VigieCore
@testable import VigieIO

/// Shared test data (`../shared/data`), present on CI and developer machines.
enum SharedData {
    static var root: String { SharedTestData.root }
    static var isAvailable: Bool { FileManager.default.fileExists(atPath: root + "/cdnet/baseline/highway/input") }
    static var highway: String { root + "/cdnet/baseline/highway" }
}

enum Fixtures {
    /// A smooth gradient with a bright square: compresses well, decodes close to the original.
    static func frame(width: Int, height: Int, format: PixelFormat = .ycbcr420, shift: Int = 0) -> Frame {
        let y = try! Plane(width: width, height: height, copying: (0..<width * height).map { i in
            let x = i % width, r = i / width
            let square = x >= width / 4 + shift && x < width / 2 + shift && r >= height / 4 && r < height / 2
            return square ? 235 : UInt8(16 + (x * 200 / max(width, 1) + r * 20 / max(height, 1)) % 200)
        })
        guard format == .ycbcr420 else { return Frame(luma: y) }
        let cw = (width + 1) / 2, ch = (height + 1) / 2
        let cb = try! Plane(width: cw, height: ch, copying: (0..<cw * ch).map { UInt8(90 + ($0 % cw) * 60 / cw) })
        let cr = try! Plane(width: cw, height: ch, copying: (0..<cw * ch).map { UInt8(160 - ($0 / cw) * 40 / ch) })
        return try! Frame(luma: y, cb: cb, cr: cr)
    }

    static func jpeg(width: Int, height: Int, format: PixelFormat = .ycbcr420, quality: Int = 90, shift: Int = 0) -> [UInt8] {
        try! JPEGCodec.encode(AnonymisedFrame(redacted: frame(width: width, height: height, format: format, shift: shift)),
                              quality: quality)
    }

    static func y4m(width: Int, height: Int, frames: Int, colour: String = "420jpeg") -> [UInt8] {
        var out = Array("YUV4MPEG2 W\(width) H\(height) F30000:1001 Ip A1:1 C\(colour)\n".utf8)
        let chroma = colour == "mono" ? 0 : 2 * ((width + 1) / 2) * ((height + 1) / 2)
        for f in 0..<frames {
            out += Array("FRAME\n".utf8)
            out += (0..<width * height + chroma).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ f) }
        }
        return out
    }

    static func temporaryFolder() -> String {
        let path = NSTemporaryDirectory() + "vigie-test-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

/// Mean absolute difference of two planes' pixels.
func meanAbsoluteDifference(_ a: Plane, _ b: Plane) -> Double {
    let pa = a.packedPixels, pb = b.packedPixels
    precondition(pa.count == pb.count)
    return Double(zip(pa, pb).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }) / Double(pa.count)
}
