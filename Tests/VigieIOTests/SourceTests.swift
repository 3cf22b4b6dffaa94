import Foundation
import Testing
@testable import VigieCore
@testable import VigieIO

@Suite("Frame sources")
struct SourceTests {
    @Test func y4mReadsFramesAndTimestamps() throws {
        var source = try Y4MSource(bytes: Fixtures.y4m(width: 7, height: 5, frames: 3))
        #expect(source.header.width == 7 && source.header.framesPerSecond > 29.96)
        var frames: [Frame] = []
        while let f = try source.next() { frames.append(f) }
        #expect(frames.map(\.number) == [1, 2, 3])
        #expect(abs(frames[2].timestamp.seconds - 2 * 1001.0 / 30000) < 1e-6)
        #expect(frames[1].luma[x: 1, y: 0] == 8 && frames[0].cb!.width == 4)
    }

    @Test(arguments: ["420jpeg", "420", "420mpeg2", "420paldv", "mono"])
    func y4mColourSpaces(colour: String) throws {
        var source = try Y4MSource(bytes: Fixtures.y4m(width: 4, height: 4, frames: 1, colour: colour))
        let frame = try #require(try source.next())
        #expect(frame.format == (colour == "mono" ? .luma : .ycbcr420))
    }

    @Test func y4mUnsupportedColourSpace() {
        #expect {
            _ = try Y4MSource(bytes: Fixtures.y4m(width: 4, height: 4, frames: 1, colour: "444"))
        } throws: { error in
            "\(error)".contains("unsupported colour space C444")
        }
    }

    @Test func y4mTruncatedFrame() throws {
        let bytes = Fixtures.y4m(width: 8, height: 8, frames: 2)
        var source = try Y4MSource(bytes: Array(bytes.dropLast(10)))
        #expect(try source.next() != nil)
        #expect(throws: FrameSourceError.truncatedFrame(source: "memory", frame: 2, expectedBytes: 96, gotBytes: 86)) {
            _ = try source.next()
        }
        #expect(try source.next() == nil)
    }

    @Test func y4mLumaOnlyAndScaled() throws {
        var source = try Y4MSource(bytes: Fixtures.y4m(width: 16, height: 8, frames: 2), format: .luma, scale: .half)
        let frame = try #require(try source.next())
        #expect(frame.format == .luma && frame.width == 8 && frame.height == 4)
        #expect(try source.next() != nil)
    }

    @Test func y4mWriterRoundTrip() throws {
        let folder = Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/out.y4m"
        let writer = try Y4MWriter(path: path)
        let frame = Fixtures.frame(width: 9, height: 7)
        try writer.write(AnonymisedFrame(redacted: frame))
        try writer.write(AnonymisedFrame(redacted: frame))
        writer.close()
        var source = try Y4MSource(path: path)
        let back = try #require(try source.next())
        #expect(back.hasSamePixels(as: frame))
        #expect(try source.next() != nil && source.next() == nil)
        #expect(throws: WriteError.self) { try writer.write(AnonymisedFrame(redacted: Fixtures.frame(width: 4, height: 4))) }
    }

    @Test func mjpegSkipsACorruptFrameAndGoesOn() throws {
        let good = Fixtures.jpeg(width: 32, height: 24)
        var corrupt = good
        for i in corrupt.count / 2..<corrupt.count - 2 { corrupt[i] = 0xFF == corrupt[i] ? 0 : corrupt[i] ^ 0x5A }
        var source = MJPEGSource(bytes: good + [0, 1, 2] + corrupt + good, framesPerSecond: 10)
        var skipped: [FrameSourceError] = []
        var numbers: [Int] = []
        while let f = try source.nextSkippingCorruptFrames(report: { skipped.append($0) }) { numbers.append(f.number) }
        #expect(numbers == [1, 3])
        #expect(skipped.count == 1 && skipped[0].isRecoverable && "\(skipped[0])".contains("frame 2 is corrupt"))
    }

    @Test func mjpegFrameSizeChangeMidStream() throws {
        let a = Fixtures.jpeg(width: 32, height: 24), b = Fixtures.jpeg(width: 16, height: 16)
        var source = MJPEGSource(bytes: a + b + a)
        #expect(try source.next()?.width == 32)
        #expect(throws: FrameSourceError.frameSizeChanged(source: "memory", frame: 2, expected: "32x24", got: "16x16")) {
            _ = try source.next()
        }
        #expect(try source.next()?.number == 3)
        #expect(try source.next() == nil)
    }

    @Test func mjpegTruncatedLastFrame() throws {
        let a = Fixtures.jpeg(width: 32, height: 24)
        var source = MJPEGSource(bytes: a + Array(a.prefix(a.count - 40)))
        #expect(try source.next() != nil)
        #expect(throws: FrameSourceError.self) { _ = try source.next() }
        #expect(try source.next() == nil)
    }

    @Test func folderInNaturalOrderWithNumbersFromNames() throws {
        let folder = Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for (n, name) in [(10, "frame_10.jpg"), (9, "frame_9.jpg"), (100, "frame_100.JPEG")] {
            try Data(Fixtures.jpeg(width: 16, height: 8, shift: n % 4)).write(to: URL(fileURLWithPath: folder + "/" + name))
        }
        try Data("not an image".utf8).write(to: URL(fileURLWithPath: folder + "/notes.txt"))
        var source = try JPEGFolderSource(path: folder, framesPerSecond: 10)
        var numbers: [Int] = [], times: [Double] = []
        while let f = try source.next() { numbers.append(f.number); times.append(f.timestamp.seconds) }
        #expect(numbers == [9, 10, 100])
        #expect(times == [0, 0.1, 9.1])
        #expect(JPEGFolderSource.frameNumber(inFileName: "in000123.jpg") == 123)
        #expect(JPEGFolderSource.frameNumber(inFileName: "cam2_000045.jpg") == 45)
        #expect(JPEGFolderSource.frameNumber(inFileName: "snapshot.jpg") == nil)
    }

    @Test func emptyFolderIsATypedError() {
        let folder = Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(throws: FrameSourceError.emptyFolder(path: folder)) { _ = try JPEGFolderSource(path: folder) }
    }

    @Test func folderWithCorruptFileSkipsIt() throws {
        let folder = Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data(Fixtures.jpeg(width: 16, height: 8)).write(to: URL(fileURLWithPath: folder + "/in000001.jpg"))
        try Data([0xFF, 0xD8, 0xFF, 0x00]).write(to: URL(fileURLWithPath: folder + "/in000002.jpg"))
        try Data(Fixtures.jpeg(width: 16, height: 8)).write(to: URL(fileURLWithPath: folder + "/in000003.jpg"))
        var source = try JPEGFolderSource(path: folder)
        var reasons: [String] = []
        var numbers: [Int] = []
        while let f = try source.nextSkippingCorruptFrames(report: { reasons.append("\($0)") }) { numbers.append(f.number) }
        #expect(numbers == [1, 3])
        #expect(reasons.count == 1 && reasons[0].contains("in000002.jpg"))
    }

    @Test func asyncSequenceYieldsFrames() async throws {
        let source = try Y4MSource(bytes: Fixtures.y4m(width: 4, height: 4, frames: 5))
        var count = 0
        for try await frame in source.frames() { count += 1; #expect(frame.number == count) }
        #expect(count == 5)
    }

    @Test func inputKindFromPath() throws {
        let folder = Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let y4m = folder + "/a.y4m", mjpeg = folder + "/a.mjpeg", jpg = folder + "/a.jpg"
        try Data(Fixtures.y4m(width: 4, height: 4, frames: 3)).write(to: URL(fileURLWithPath: y4m))
        let j = Fixtures.jpeg(width: 8, height: 8)
        try Data(j + j).write(to: URL(fileURLWithPath: mjpeg))
        try Data(j).write(to: URL(fileURLWithPath: jpg))
        #expect(try InputDescription.inspect(y4m) == InputDescription(kind: .y4m, width: 4, height: 4,
                chroma: "YCbCr 4:2:0 (C420jpeg)", frameCount: 3, framesPerSecond: 30000.0 / 1001))
        #expect(try InputDescription.inspect(mjpeg).frameCount == 2)
        #expect(try InputDescription.inspect(jpg).kind == .jpegFile)
        #expect(try InputDescription.inspect(folder).frameCount == 1)
        #expect(throws: FrameSourceError.self) { _ = try FrameInput.open(folder + "/missing.y4m") }
        #expect(throws: FrameSourceError.self) { _ = try FrameInput.open(folder + "/a.txt") }
    }

    @Test func pgmWriterFormat() {
        var mask = Mask(width: 3, height: 2)
        mask.withMutablePixels { $0[1, 1] = 255 }
        #expect(PGMWriter.encode(mask) == Array("P5\n3 2\n255\n".utf8) + [0, 0, 0, 0, 255, 0])
    }
}
