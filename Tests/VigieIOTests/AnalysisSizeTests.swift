import Foundation
import Testing
import VigieCore

@testable import VigieIO

/// The analysis size (`FrameInput.open(…analysisMaxWidth:)`): the largest of full, 1/2, 1/4 and
/// 1/8 size at most that wide, JPEG decoded straight to it, Y4M downscaled once.
@Suite("Analysis size")
struct AnalysisSizeTests {
    @Test func scaleFitting() {
        #expect(DCTScale.fitting(width: 1920, maxWidth: 960) == .half)
        #expect(DCTScale.fitting(width: 1921, maxWidth: 960) == .quarter)
        #expect(DCTScale.fitting(width: 960, maxWidth: 960) == .full)
        #expect(DCTScale.fitting(width: 768, maxWidth: 960) == .full)
        #expect(DCTScale.fitting(width: 3840, maxWidth: 960) == .quarter)
        #expect(DCTScale.fitting(width: 1280, maxWidth: 960) == .half)
        #expect(DCTScale.fitting(width: 1920, maxWidth: 480) == .quarter)
        #expect(DCTScale.fitting(width: 7680, maxWidth: 64) == .eighth)  // nothing fits: the smallest
    }

    @Test(arguments: [(nil as Int?, 64, 32), (64, 64, 32), (32, 32, 16), (20, 16, 8), (16, 16, 8), (9, 8, 4)])
    func everyInputKindAtTheAnalysisSize(maxWidth: Int?, width: Int, height: Int) throws {
        let folder = Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let jpeg = Fixtures.jpeg(width: 64, height: 32)
        try FileManager.default.createDirectory(atPath: folder + "/frames", withIntermediateDirectories: true)
        for n in 1...2 { try Data(jpeg).write(to: URL(fileURLWithPath: folder + "/frames/in00000\(n).jpg")) }
        try Data(jpeg).write(to: URL(fileURLWithPath: folder + "/one.jpg"))
        try Data(jpeg + jpeg).write(to: URL(fileURLWithPath: folder + "/a.mjpeg"))
        try Data(Fixtures.y4m(width: 64, height: 32, frames: 2)).write(to: URL(fileURLWithPath: folder + "/a.y4m"))
        for input in ["frames", "one.jpg", "a.mjpeg", "a.y4m"] {
            var source = try FrameInput.open(folder + "/" + input, format: .ycbcr420, analysisMaxWidth: maxWidth)
            var count = 0
            while let frame = try source.next() {
                count += 1
                #expect(frame.width == width && frame.height == height, "\(input): \(frame.width)x\(frame.height)")
                #expect(frame.cb?.width == (width + 1) / 2 && frame.cb?.height == (height + 1) / 2, "\(input)")
            }
            #expect(count == (input == "one.jpg" ? 1 : 2), "\(input)")
        }
    }

    /// DCT scaling decodes the same picture as a full decode downscaled: a smooth image, so the
    /// two differ by rounding and DCT filtering only.
    @Test func jpegScaledDecodeMatchesTheDownscaledFullDecode() throws {
        let bytes = Fixtures.jpeg(width: 64, height: 32, quality: 95)
        let full = try JPEGCodec.decode(bytes, format: .ycbcr420)
        let half = try JPEGCodec.decode(bytes, format: .ycbcr420, scale: .half)
        let reference = full.downscaled2x()
        #expect(half.width == reference.width && half.height == reference.height)
        var worst = 0
        for y in 0..<half.height {
            for x in 0..<half.width {
                worst = max(worst, abs(Int(half.luma[x: x, y: y]) - Int(reference.luma[x: x, y: y])))
            }
        }
        #expect(worst <= 24, "largest luma difference \(worst)")
    }
}
