import Foundation
import FuzzSupport
import VigieCore
import VigieIO
import VigieRules

// The parsers of outside data, one target each (Documentation/Fuzzing.md). Each input is parsed
// as the CLI and the service parse it; errors are the expected outcome of most inputs.

/// Smaller than the defaults (8192x8192) so that one input costs milliseconds, not a 100 MB
/// frame: the checks against the limits are the same code.
enum Harness {
    static let limits = DecodeLimits(maxWidth: 1024, maxHeight: 1024, maxPixels: 1024 * 1024)
}

/// The first byte chooses the output format and DCT scale; the rest is the input.
func options(_ bytes: [UInt8]) -> (format: PixelFormat, scale: DCTScale, rest: [UInt8]) {
    guard let first = bytes.first else { return (.ycbcr420, .full, []) }
    let scale = DCTScale.allCases[Int(first & 3)]
    return (first & 4 == 0 ? .ycbcr420 : .luma, scale, Array(bytes.dropFirst()))
}

runFuzzer([
    // libjpeg through CVigieJPEG: corrupt data ends in the setjmp/longjmp error trampoline.
    FuzzTarget("jpeg") { bytes in
        let (format, scale, rest) = options(bytes)
        _ = try? JPEGCodec.decode(rest, format: format, scale: scale, limits: Harness.limits)
    },
    // A yuv4mpeg2 stream: header, FRAME lines, planes; at most 64 frames.
    FuzzTarget("y4m") { bytes in
        let (format, scale, rest) = options(bytes)
        guard var source = try? Y4MSource(bytes: rest, format: format, scale: scale, limits: Harness.limits) else { return }
        for _ in 0..<64 { guard (try? source.next()) != nil else { return } }
    },
    // Concatenated JPEGs (MJPEG): frame splitting, then each frame's decode; at most 16 frames.
    FuzzTarget("mjpeg") { bytes in
        let (format, scale, rest) = options(bytes)
        var source = MJPEGSource(bytes: rest, format: format, scale: scale, limits: Harness.limits)
        for _ in 0..<16 { guard (try? source.next()) != nil else { return } }
    },
    // A scene file: strict JSON, decoding, validation; a valid scene also builds its rule engine.
    FuzzTarget("scene") { bytes in
        if let scene = try? Scene(json: Data(bytes)) {
            _ = RuleEngine(scene: scene).unsupported
        }
        _ = try? Scene(unvalidatedJSON: Data(bytes))
    },
])
