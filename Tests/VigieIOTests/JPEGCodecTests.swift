import Foundation
import Testing
@testable import VigieCore
@testable import VigieIO

@Suite("JPEG codec (libjpeg-turbo)")
struct JPEGCodecTests {
    @Test(arguments: [(64, 48), (65, 33), (17, 9), (1, 1), (320, 240)])
    func roundTripIsClose(width: Int, height: Int) throws {
        let original = Fixtures.frame(width: width, height: height)
        let bytes = try JPEGCodec.encode(AnonymisedFrame(redacted: original), quality: 95)
        let info = try JPEGCodec.info(of: bytes)
        #expect(info.width == width && info.height == height && info.isYCbCr420)
        let decoded = try JPEGCodec.decode(bytes)
        #expect(decoded.format == .ycbcr420 && decoded.width == width && decoded.height == height)
        #expect(meanAbsoluteDifference(decoded.luma, original.luma) < 3)
        #expect(meanAbsoluteDifference(decoded.cb!, original.cb!) < 3)
        #expect(meanAbsoluteDifference(decoded.cr!, original.cr!) < 3)
    }

    @Test(arguments: DCTScale.allCases)
    func scaledDecodeMatchesDownscaledFullDecode(scale: DCTScale) throws {
        let bytes = Fixtures.jpeg(width: 200, height: 120, quality: 95)
        let scaled = try JPEGCodec.decode(bytes, scale: scale)
        let (w, h) = scale.scaledSize(width: 200, height: 120)
        #expect(scaled.width == w && scaled.height == h && scaled.cb!.width == (w + 1) / 2)
        var reference = try JPEGCodec.decode(bytes)
        var s = scale.rawValue
        while s > 1 { reference = reference.downscaled2x(); s /= 2 }
        #expect(meanAbsoluteDifference(scaled.luma, reference.luma) < 4)
        #expect(meanAbsoluteDifference(scaled.cb!, reference.cb!) < 4)
    }

    @Test func lumaOnlyDecodeEqualsLumaOfFullDecode() throws {
        let bytes = Fixtures.jpeg(width: 96, height: 64)
        let luma = try JPEGCodec.decode(bytes, format: .luma)
        let full = try JPEGCodec.decode(bytes)
        #expect(luma.format == .luma && luma.luma.hasSamePixels(as: full.luma))
    }

    @Test func greyJPEGDecodesToNeutralChroma() throws {
        let bytes = Fixtures.jpeg(width: 33, height: 17, format: .luma)
        #expect(try JPEGCodec.info(of: bytes).components == 1)
        let frame = try JPEGCodec.decode(bytes)
        #expect(frame.cb!.packedPixels.allSatisfy { $0 == 128 } && frame.cr!.packedPixels.allSatisfy { $0 == 128 })
    }

    @Test func decodeReusesUniqueStorage() throws {
        let bytes = Fixtures.jpeg(width: 64, height: 48)
        var frame: Frame? = nil
        try JPEGCodec.decode(bytes, into: &frame)
        let before = frame!.luma.withView { UInt(bitPattern: $0.base) }
        try JPEGCodec.decode(bytes, into: &frame, number: 2)
        #expect(frame!.luma.withView { UInt(bitPattern: $0.base) } == before && frame!.number == 2)
    }

    @Test func truncatedJPEGIsATypedError() {
        let bytes = Fixtures.jpeg(width: 64, height: 48)
        #expect {
            _ = try JPEGCodec.decode(Array(bytes.prefix(bytes.count / 2)))
        } throws: { error in
            (error as? JPEGError)?.message.contains("Premature end") == true
        }
    }

    @Test func randomBytesAreATypedError() {
        var rng = SystemRandomNumberGenerator()
        let noise = (0..<500).map { _ in UInt8.random(in: 0...255, using: &rng) }
        #expect(throws: JPEGError.self) { _ = try JPEGCodec.decode(noise) }
        #expect(throws: JPEGError.self) { _ = try JPEGCodec.decode([]) }
    }

    @Test func wrongMarkerIsATypedError() {
        var bytes = Fixtures.jpeg(width: 64, height: 48)
        // Replace the first DQT marker (FF DB) with an undefined marker code.
        let i = (2..<bytes.count - 1).first { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xDB }!
        bytes[i + 1] = 0x4F
        #expect {
            _ = try JPEGCodec.decode(bytes)
        } throws: { error in
            let message = "\(error)"
            return error is JPEGError && message.contains("decode") || message.contains("header")
        }
    }

    @Test(.enabled(if: SharedData.isAvailable, "needs ../shared/data/cdnet (CI always has it)"))
    func decodesCDnetFrame() throws {
        let bytes = try readWholeFile(SharedData.highway + "/input/in000001.jpg")
        let frame = try JPEGCodec.decode(bytes)
        #expect(frame.width == 320 && frame.height == 240)
        let quarter = try JPEGCodec.decode(bytes, format: .luma, scale: .quarter)
        #expect(quarter.width == 80 && quarter.height == 60)
    }
}
