import Foundation
import Testing
@testable import VigieCore
@testable import VigieIO

/// Inputs found by the fuzzers (Tests/Fuzz, Documentation/Fuzzing.md), kept as regression tests:
/// each used to trap (a crash of the whole process), and is now refused with an error.
@Suite("Fuzzer findings")
struct FuzzRegressionTests {
    /// A 2x2 Y4M stream with `rate` as its F token and `frames` frames.
    static func y4m(rate: String, frames: Int) -> [UInt8] {
        var out = Array("YUV4MPEG2 W2 H2 F\(rate) C420jpeg\n".utf8)
        for _ in 0..<frames { out += Array("FRAME\n".utf8) + [UInt8](repeating: 128, count: 6) }
        return out
    }

    /// Every frame of `bytes`, or the error that ended the stream.
    static func decodeAll(_ bytes: [UInt8]) -> (frames: Int, error: FrameSourceError?) {
        do {
            var source = try Y4MSource(bytes: bytes)
            var n = 0
            while try source.next() != nil { n += 1 }
            return (n, nil)
        } catch {
            return (0, error)
        }
    }

    @Test(arguments: ["1:10000000000", "1:9223372036854775807", "9223372036854775807:1", "1:3601"])
    func aY4MFrameRateOutOfRangeIsRefusedNotATrap(rate: String) {
        // F1:10000000000 (a frame every 317 years) trapped converting frame 2's timestamp to
        // nanoseconds (Int64 overflow).
        let (frames, error) = Self.decodeAll(Self.y4m(rate: rate, frames: 3))
        #expect(frames == 0)
        guard case .invalidHeader(_, let reason)? = error else {
            Issue.record("expected invalidHeader, got \(String(describing: error))")
            return
        }
        #expect(reason.contains("frame rate") && reason.contains("out of range"), "\(reason)")
    }

    @Test func theSlowestAndFastestRatesStillDecode() throws {
        for rate in ["1:3600", "1000000:1", "30000:1001"] {
            let (frames, error) = Self.decodeAll(Self.y4m(rate: rate, frames: 3))
            #expect(frames == 3 && error == nil, "\(rate): \(String(describing: error))")
        }
        var source = try Y4MSource(bytes: Self.y4m(rate: "1:3600", frames: 2))
        _ = try source.next()
        #expect(try source.next()?.timestamp.seconds == 3600)
    }

    @Test func aJPEGFolderWhoseNumbersAreFarApartIsRefusedNotATrap() throws {
        let folder = Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let jpeg = Data(Fixtures.jpeg(width: 16, height: 16))
        try jpeg.write(to: URL(fileURLWithPath: folder + "/a_1.jpg"))
        try jpeg.write(to: URL(fileURLWithPath: folder + "/b_999999999999999.jpg"))
        var source = try JPEGFolderSource(path: folder)
        #expect(try source.next()?.number == 1)
        do {
            _ = try source.next()
            Issue.record("the far frame number was accepted")
        } catch {
            guard case .corruptFrame(_, let frame, let reason) = error else {
                Issue.record("expected corruptFrame, got \(error)")
                return
            }
            #expect(frame == 999_999_999_999_999 && reason.contains("too far from the first"), "\(reason)")
        }
    }
}
