import Testing
import VigieKernels
@testable import VigieCore
@testable import VigieIO

/// Feeds thousands of deterministically mutated and truncated copies of valid inputs to the
/// decoders: each must give a frame or a typed error, never a crash or a hang.
@Suite("Mutation robustness")
struct MutationTests {
    static func mutate(_ bytes: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        var out = bytes
        switch rng.next() % 4 {
        case 0:  // truncate
            out = Array(out.prefix(Int(rng.next() % UInt64(out.count))))
        case 1:  // flip a few bytes
            for _ in 0..<(1 + rng.next() % 8) { out[Int(rng.next() % UInt64(out.count))] = UInt8(truncatingIfNeeded: rng.next()) }
        case 2:  // insert or delete a run
            let i = Int(rng.next() % UInt64(out.count))
            if rng.next() % 2 == 0 {
                out.insert(contentsOf: (0..<(rng.next() % 16)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, at: i)
            } else {
                out.removeSubrange(i..<min(out.count, i + Int(rng.next() % 32)))
            }
        default:  // corrupt a marker-length or header byte near the start
            let i = Int(rng.next() % UInt64(min(out.count, 700)))
            out[i] = [0x00, 0xFF, 0xD8, 0xD9, 0xDA, 0x7F][Int(rng.next() % 6)]
        }
        return out
    }

    @Test func mutatedJPEGs() {
        var rng = SplitMix64(seed: 2026)
        let originals = [Fixtures.jpeg(width: 48, height: 32), Fixtures.jpeg(width: 33, height: 17, format: .luma)]
        var frames = 0, errors = 0
        for i in 0..<3000 {
            let bytes = Self.mutate(originals[i % 2], &rng)
            let format: PixelFormat = i % 3 == 0 ? .luma : .ycbcr420
            let scale = DCTScale.allCases[i % 4]
            do {
                let frame = try JPEGCodec.decode(bytes, format: format, scale: scale)
                #expect(frame.width > 0 && frame.height > 0)
                frames += 1
            } catch {
                #expect(!error.message.isEmpty)
                errors += 1
            }
        }
        #expect(frames + errors == 3000 && errors > 500)
    }

    @Test func mutatedMJPEGStreams() {
        var rng = SplitMix64(seed: 7)
        let one = Fixtures.jpeg(width: 24, height: 16)
        let stream = one + one + one
        for _ in 0..<500 {
            var source = MJPEGSource(bytes: Self.mutate(stream, &rng))
            var steps = 0
            while steps < 50 {
                steps += 1
                do {
                    guard try source.nextSkippingCorruptFrames() != nil else { break }
                } catch {
                    break
                }
            }
            #expect(steps < 50)
        }
    }

    @Test func mutatedY4MStreams() {
        var rng = SplitMix64(seed: 11)
        let original = Fixtures.y4m(width: 10, height: 6, frames: 4)
        var frames = 0, errors = 0
        for _ in 0..<2000 {
            do {
                var source = try Y4MSource(bytes: Self.mutate(original, &rng))
                var steps = 0
                while steps < 20, try source.next() != nil { steps += 1; frames += 1 }
                #expect(steps < 20)
            } catch {
                #expect(!"\(error)".isEmpty)
                errors += 1
            }
        }
        #expect(frames > 0 && errors > 0)
    }
}
