import Foundation
import Testing
@testable import VigieCore
@testable import VigieIO

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 21: any single input file has bounded cost. A header over the `DecodeLimits` is refused
/// before anything large is allocated, in milliseconds; crafted headers (huge, zero, mismatched
/// components, progressive) never reach a large allocation.
@Suite("Untrusted input: bounded decoding")
struct BoundedDecodingTests {
    /// A 32x16 progressive 4:2:0 JPEG with 10 scans (Pillow, `progressive=True`).
    static let progressive = [UInt8](Data(base64Encoded: """
        /9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQFxQYGBcUFhYaHSUfGhsjHBYWICwgIyYnKSopGR8tMC0oMCUoKSj/2wBDAQcHBwoIChMKChMoGhYaKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCj/wgARCAAQACADASIAAhEBAxEB/8QAFgABAQEAAAAAAAAAAAAAAAAABgQF/8QAFgEBAQEAAAAAAAAAAAAAAAAABAIG/9oADAMBAAIQAxAAAAENel1BBK3qar0X/8QAGRAAAwEBAQAAAAAAAAAAAAAAAAIEAQMR/9oACAEBAAEFAkmEmElEkOcxzmM4eCz7p//EABkRAAMAAwAAAAAAAAAAAAAAAAAEBQERUf/aAAgBAwEBPwFanoVp56f/xAAbEQACAQUAAAAAAAAAAAAAAAAAAwECEhMxYf/aAAgBAgEBPwFLMoxiKJt3PD//xAAWEAEBAQAAAAAAAAAAAAAAAAAQMQD/2gAIAQEABj8CJow//8QAGRAAAgMBAAAAAAAAAAAAAAAAAGEBECFx/9oACAEBAAE/IUCbSQJIs6kVcP/aAAwDAQACAAMAAAAQKO//xAAXEQADAQAAAAAAAAAAAAAAAAAAASER/9oACAEDAQE/EIKOY4P/xAAcEQABAwUAAAAAAAAAAAAAAAABABFBITFhcbH/2gAIAQIBAT8QpE67ziGzbpwv/8QAGxAAAwEAAwEAAAAAAAAAAAAAAAERwSFBUXH/2gAIAQEAAT8QtMl5ktMFpgtMl5kbqvmuvo7XDTxIf//Z
        """, options: .ignoreUnknownCharacters)!)

    /// The offset of the first SOF marker (`FF C0` baseline, `FF C2` progressive).
    static func sof(_ bytes: [UInt8]) -> Int {
        (0..<bytes.count - 1).first { bytes[$0] == 0xFF && (bytes[$0 + 1] == 0xC0 || bytes[$0 + 1] == 0xC2) }!
    }

    /// `bytes` with the SOF's height and width set.
    static func resized(_ bytes: [UInt8], width: Int, height: Int) -> [UInt8] {
        var out = bytes
        let s = sof(bytes)
        out[s + 5] = UInt8(height >> 8); out[s + 6] = UInt8(height & 0xFF)
        out[s + 7] = UInt8(width >> 8); out[s + 8] = UInt8(width & 0xFF)
        return out
    }

    /// Decodes `bytes`, returning the error and the time it took.
    static func refusal(_ bytes: [UInt8], limits: DecodeLimits = .default) -> (error: JPEGError?, milliseconds: Double) {
        let start = DispatchTime.now().uptimeNanoseconds
        var error: JPEGError?
        do { _ = try JPEGCodec.decode(bytes, limits: limits) } catch let e { error = e }
        return (error, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }

    @Test func theFixturesDecodeAsTheyAre() throws {
        #expect(try JPEGCodec.decode(Self.progressive).width == 32)
        #expect(try JPEGCodec.decode(Fixtures.jpeg(width: 48, height: 32)).width == 48)
    }

    @Test(arguments: [(65000, 65000), (8193, 8), (8, 8193), (8192, 8192 + 1), (65500, 1024)])
    func aHugeHeaderIsRefusedInMillisecondsBeforeAllocating(width: Int, height: Int) throws {
        for base in [Fixtures.jpeg(width: 48, height: 32), Self.progressive] {
            let crafted = Self.resized(base, width: width, height: height)
            let (error, ms) = Self.refusal(crafted)
            let limit = try #require(error?.limitExceeded, "\(String(describing: error))")
            #expect(limit.width == width && limit.height == height)
            #expect(ms < 50, "\(ms) ms")
            #expect("\(error!)".contains("\(width)x\(height)") && "\(error!)".contains("over the decode limits"))
        }
    }

    @Test func pastLibjpegsOwnMaximumTheRefusalIsLibjpegs() {
        // 65535 is over libjpeg's 65500: refused in jpeg_read_header already, as corrupt.
        let (error, ms) = Self.refusal(Self.resized(Self.progressive, width: 65535, height: 65535))
        #expect(error?.message.contains("65500") == true && ms < 50, "\(String(describing: error))")
    }

    @Test func anIntegratorCanLowerTheLimits() throws {
        let jpeg = Fixtures.jpeg(width: 48, height: 32)
        #expect(Self.refusal(jpeg, limits: DecodeLimits(maxWidth: 40)).error?.limitExceeded?.reason == "width above 40")
        #expect(Self.refusal(jpeg, limits: DecodeLimits(maxPixels: 48 * 32 - 1)).error?.limitExceeded?.reason
                == "more than 1535 pixels")
        #expect(Self.refusal(jpeg, limits: DecodeLimits(maxEncodedBytes: 100)).error?.limitExceeded != nil)
        #expect(Self.refusal(jpeg, limits: DecodeLimits(maxPixels: 48 * 32)).error == nil)
    }

    @Test func zeroSizeAndMismatchedComponentsAreCorruptNotCrashes() throws {
        for base in [Fixtures.jpeg(width: 48, height: 32), Self.progressive] {
            for (w, h) in [(0, 32), (48, 0), (0, 0)] {
                let (error, ms) = Self.refusal(Self.resized(base, width: w, height: h))
                #expect(error != nil && error?.limitExceeded == nil && ms < 50, "\(w)x\(h): \(String(describing: error))")
            }
            // The SOF says 1 component where 3 follow, or 4 where 3 follow.
            for count in [1, 2, 4] {
                var crafted = base
                crafted[Self.sof(base) + 9] = UInt8(count)
                let (error, ms) = Self.refusal(crafted)
                #expect(error != nil && ms < 50, "\(count) components: \(String(describing: error))")
            }
        }
    }

    @Test func progressiveScansAndDecoderMemoryAreBounded() throws {
        // 10 scans: refused past a limit of 4, during jpeg_start_decompress.
        let scans = try #require(Self.refusal(Self.progressive, limits: DecodeLimits(maxScans: 4)).error?.limitExceeded)
        #expect(scans.reason == "image has more than 4 scans", "\(scans)")
        #expect(Self.refusal(Self.progressive, limits: DecodeLimits(maxScans: 10)).error == nil)
        // A progressive image keeps every coefficient: 8000x8000 4:2:0 needs ~190 MB, past 96 MiB.
        let big = Self.resized(Self.progressive, width: 8000, height: 8000)
        let (error, ms) = Self.refusal(big)
        let memory = try #require(error?.limitExceeded, "\(String(describing: error))")
        #expect(memory.reason.contains("bytes of decoder memory") && ms < 50, "\(memory) \(ms) ms")
    }

    @Test func peakMemoryStaysBoundedOverCraftedHeaders() throws {
        let before = Self.maxResidentBytes()
        for _ in 0..<20 {
            for base in [Fixtures.jpeg(width: 48, height: 32), Self.progressive] {
                for (w, h) in [(65000, 65000), (9000, 100), (100, 65535), (0, 0)] {
                    _ = Self.refusal(Self.resized(base, width: w, height: h))
                }
                // Within the size limits, but a progressive image's coefficients are over the memory budget.
                _ = Self.refusal(Self.resized(Self.progressive, width: 8000, height: 8000))
            }
        }
        let growth = Self.maxResidentBytes() - before
        #expect(growth < 64 << 20, "peak resident memory grew by \(growth >> 20) MiB")
    }

    @Test func sourcesReportTheFileAndTheSize() throws {
        let folder = Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let good = Fixtures.jpeg(width: 48, height: 32)
        try Data(good).write(to: URL(fileURLWithPath: folder + "/in000001.jpg"))
        try Data(Self.resized(good, width: 65000, height: 65000)).write(to: URL(fileURLWithPath: folder + "/in000002.jpg"))
        try Data(good).write(to: URL(fileURLWithPath: folder + "/in000003.jpg"))
        // A folder skips it (recoverable) and goes on.
        var source = try FrameInput.open(folder)
        var skipped: [FrameSourceError] = []
        var numbers: [Int] = []
        while let frame = try source.nextSkippingCorruptFrames(report: { skipped.append($0) }) { numbers.append(frame.number) }
        #expect(numbers == [1, 3])
        #expect(skipped == [.frameTooLarge(source: folder + "/in000002.jpg", frame: 2, width: 65000, height: 65000,
                                           reason: "width above 8192")])
        #expect("\(skipped[0])".contains("in000002.jpg") && "\(skipped[0])".contains("65000x65000"))
        // One file: refused; `inspect` (vigie info) refuses it from the header.
        let file = folder + "/in000002.jpg"
        var single = try FrameInput.open(file)
        #expect(throws: FrameSourceError.frameTooLarge(source: file, frame: 1, width: 65000, height: 65000,
                                                       reason: "width above 8192")) { _ = try single.next() }
        #expect(throws: FrameSourceError.self) { _ = try InputDescription.inspect(file) }
        // MJPEG: skipped, the stream goes on.
        var mjpeg = MJPEGSource(bytes: good + Self.resized(good, width: 9000, height: 100) + good)
        var mjpegSkips: [FrameSourceError] = []
        var count = 0
        while try mjpeg.nextSkippingCorruptFrames(report: { mjpegSkips.append($0) }) != nil { count += 1 }
        #expect(count == 2 && mjpegSkips.count == 1 && mjpegSkips[0].isRecoverable, "\(mjpegSkips)")
        // An MJPEG image longer than the encoded-bytes limit is skipped without being held whole.
        let long = MJPEGSource(bytes: good + Array(good.prefix(good.count - 2)) + [UInt8](repeating: 0x55, count: 5000)
                                   + [0xFF, 0xD9] + good, limits: DecodeLimits(maxEncodedBytes: 2000))
        var longSource = long
        var longSkips: [FrameSourceError] = []
        var longCount = 0
        while try longSource.nextSkippingCorruptFrames(report: { longSkips.append($0) }) != nil { longCount += 1 }
        #expect(longCount == 2 && longSkips.count == 1 && "\(longSkips)".contains("more than 2000 encoded bytes"),
                "\(longSkips)")
    }

    @Test func y4mSharesThePixelBudget() throws {
        let header = Array("YUV4MPEG2 W9000 H9000 F25:1 C420jpeg\n".utf8)
        #expect(throws: FrameSourceError.frameTooLarge(source: "memory", frame: 1, width: 9000, height: 9000,
                                                       reason: "width above 8192")) { _ = try Y4MSource(bytes: header) }
        let budget = Array("YUV4MPEG2 W8192 H8192 F25:1 C420jpeg\n".utf8)
        #expect(throws: FrameSourceError.frameTooLarge(source: "memory", frame: 1, width: 8192, height: 8192,
                                                       reason: "more than 1000000 pixels")) {
            _ = try Y4MSource(bytes: budget, limits: DecodeLimits(maxPixels: 1_000_000))
        }
        #expect(throws: FrameSourceError.frameTooLarge(source: "memory", frame: 1, width: 100_000, height: 100_000,
                                                       reason: "width above 8192")) {
            _ = try Y4MSource(bytes: Array("YUV4MPEG2 W100000 H100000 F25:1\n".utf8))
        }
    }

    /// The process's peak resident set, bytes (`getrusage`).
    static func maxResidentBytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss * 1024
    }
}

/// Issue 21's smaller items on the IO side.
@Suite("Untrusted input: Y4M cuts, escaped messages, named pipes")
struct UntrustedStreamTests {
    @Test func aCutInsideTheFrameMarkerIsATruncatedFrameLikeACutInTheData() throws {
        let bytes = Fixtures.y4m(width: 8, height: 8, frames: 2)
        let frameBytes = 96
        // Cut inside "FRAME\n" of frame 2, and inside its pixel data.
        let secondMarker = bytes.count - frameBytes - 6
        for cut in [secondMarker + 3, secondMarker + 5, secondMarker + 6 + 40] {
            var source = try Y4MSource(bytes: Array(bytes.prefix(cut)))
            #expect(try source.next() != nil)
            var error: FrameSourceError?
            do { _ = try source.next() } catch let e { error = e }
            let got = max(0, cut - secondMarker - 6)
            #expect(error == .truncatedFrame(source: "memory", frame: 2, expectedBytes: frameBytes, gotBytes: got),
                    "cut at \(cut): \(String(describing: error))")
            #expect(error?.isRecoverable == false)
            #expect(try source.next() == nil)
        }
    }

    @Test func errorsQuoteInputBytesEscaped() throws {
        // Binary where a FRAME header belongs: escape, never copy.
        var bytes = Fixtures.y4m(width: 8, height: 8, frames: 1)
        bytes += [0x1B, 0x5B, 0x32, 0x4A, 0x00, 0xFF, 0x07, 0x0A]  // ESC [ 2 J, NUL, FF, BEL, newline
        var source = try Y4MSource(bytes: bytes)
        _ = try source.next()
        var message = ""
        do { _ = try source.next() } catch { message = "\(error)" }
        #expect(message.contains(#"expected FRAME, got '\x1B[2J\x00\xFF\x07'"#), "\(message)")
        #expect(message.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F || $0 == "…" }, "\(message)")
        // A long binary blob without a newline is not read as a FRAME header either.
        var blob = Fixtures.y4m(width: 8, height: 8, frames: 1)
        blob += [UInt8](repeating: 0x9B, count: 5000)
        var blobSource = try Y4MSource(bytes: blob)
        _ = try blobSource.next()
        do { _ = try blobSource.next() } catch { message = "\(error)" }
        #expect(message.contains(#"\x9B\x9B"#) && !message.unicodeScalars.contains { $0.value == 0x9B }, "\(message)")
        // Header fields.
        for header in ["YUV4MPEG2 W8 H8 F\u{1B}:1\n", "YUV4MPEG2 W8 H8 C\u{7}44\n", "YUV4MPEG2 W\u{0}8 H8\n"] {
            do {
                _ = try Y4MSource(bytes: Array(header.utf8))
                Issue.record("accepted \(header.debugDescription)")
            } catch {
                #expect("\(error)".unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F || $0 == "…" },
                        "\(error)")
            }
        }
        #expect(escapedForMessage([0x41, 0x5C, 0x00, 0xE9]) == #"A\\\x00\xE9"#)
    }

    @Test(arguments: ["y4m", "mjpeg"])
    func aNamedPipeIsDetectedFromItsFirstBytes(kind: String) throws {
        let folder = Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/camera-feed"  // no extension
        #expect(mkfifo(path, 0o600) == 0)
        let bytes = kind == "y4m" ? Fixtures.y4m(width: 8, height: 8, frames: 3)
            : Fixtures.jpeg(width: 16, height: 16) + Fixtures.jpeg(width: 16, height: 16)
        let writer = Thread {
            let fd = open(path, O_WRONLY)
            _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress!, $0.count) }
            close(fd)
        }
        writer.start()
        var source = try FrameInput.open(path)
        #expect(source.kind == (kind == "y4m" ? .y4m : .mjpeg))
        var frames = 0
        while try source.next() != nil { frames += 1 }
        #expect(frames == (kind == "y4m" ? 3 : 2))
        // A regular file without a known extension is still refused, naming what is accepted.
        let other = folder + "/notes.txt"
        try Data("hello".utf8).write(to: URL(fileURLWithPath: other))
        #expect(throws: FrameSourceError.self) { _ = try FrameInput.open(other) }
    }
}
