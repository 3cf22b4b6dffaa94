import Foundation
import Testing
@testable import VigieCore
import VigieIO
import VigieSimulator

@Suite("vigie anonymise", .enabled(if: CLI.isBuilt, "needs the vigie executable built beside the tests (swift build)"))
struct AnonymiseCLITests {
    static func frames(ofY4M path: String) throws -> [Frame] {
        var source = try FrameInput.open(path, format: .ycbcr420)
        var frames: [Frame] = []
        while let frame = try source.next() { frames.append(frame) }
        return frames
    }

    static func isFlatGrey(_ frame: Frame) -> Bool {
        frame.luma.packedPixels.allSatisfy { $0 == 128 } && frame.cb!.packedPixels.allSatisfy { $0 == 128 }
            && frame.cr!.packedPixels.allSatisfy { $0 == 128 }
    }

    @Test func writesAY4MWithEveryFrameAndTheFirstRedacted() throws {
        let clip = try SceneCLITests.walkerClip()
        defer { try? FileManager.default.removeItem(atPath: clip) }
        let scene = try SceneCLITests.sceneFile(#"{"cameraID": "gate", "privacyMasks": [{"id": "house", "polygon": [{"x": 0.0, "y": 0.0}, {"x": 0.25, "y": 0.0}, {"x": 0.25, "y": 0.25}, {"x": 0.0, "y": 0.25}]}]}"#)
        defer { try? FileManager.default.removeItem(atPath: scene) }
        let out = NSTemporaryDirectory() + "vigie-cli-anon-" + UUID().uuidString + ".y4m"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let r = try CLI.run(["anonymise", "--input", clip, "--output", out, "--scene", scene])
        #expect(r.status == 0, "\(r.stderr)")
        let input = try Self.frames(ofY4M: clip), output = try Self.frames(ofY4M: out)
        #expect(output.count == input.count && output.count == 88)
        // Fully redacted: flat grey, with the privacy mask black on top.
        let first = try #require(output.first)
        #expect(first.luma.packedPixels.allSatisfy { $0 == 128 || $0 == 0 } && first.cb!.packedPixels.allSatisfy { $0 == 128 }
                && first.cr!.packedPixels.allSatisfy { $0 == 128 }, "the first frame must be fully redacted")
        #expect(first.luma.packedPixels.filter { $0 == 128 }.count > 160 * 120 * 9 / 10)
        // After warm-up the scene is shown and the privacy mask (top-left 40x30 pixels) is black.
        let last = try #require(output.last)
        #expect(!Self.isFlatGrey(last))
        let luma = last.luma.packedPixels
        #expect((0..<29).allSatisfy { y in (0..<39).allSatisfy { x in luma[y * 160 + x] == 0 } })
    }

    @Test func overlayDrawsTheSceneOnTheAnonymisedFrames() throws {
        let clip = try SceneCLITests.walkerClip()
        defer { try? FileManager.default.removeItem(atPath: clip) }
        let scene = try SceneCLITests.sceneFile(#"{"cameraID": "gate", "lines": [{"id": "fence", "from": {"x": 0.5, "y": 0.1}, "to": {"x": 0.5, "y": 0.99}}]}"#)
        defer { try? FileManager.default.removeItem(atPath: scene) }
        let plain = NSTemporaryDirectory() + "vigie-cli-plain-" + UUID().uuidString + ".y4m"
        defer { try? FileManager.default.removeItem(atPath: plain) }
        let drawn = NSTemporaryDirectory() + "vigie-cli-overlay-" + UUID().uuidString + ".y4m"
        defer { try? FileManager.default.removeItem(atPath: drawn) }
        #expect(try CLI.run(["anonymise", "--input", clip, "--output", plain, "--scene", scene]).status == 0)
        let r = try CLI.run(["anonymise", "--input", clip, "--output", drawn, "--scene", scene, "--overlay"])
        #expect(r.status == 0, "\(r.stderr)")
        let a = try Self.frames(ofY4M: plain), b = try Self.frames(ofY4M: drawn)
        #expect(a.count == b.count)
        // The line at x = 80 is white from y = 12 down in every frame, over the redaction too.
        for frame in b { #expect((20..<100).allSatisfy { y in frame.luma[x: 80, y: y] == 255 }) }
        #expect(!a[40].hasSamePixels(as: b[40]))
    }

    @Test func writesJPEGFramesToAFolderAndY4MToStdout() throws {
        let clip = try SceneCLITests.walkerClip()
        defer { try? FileManager.default.removeItem(atPath: clip) }
        let folder = NSTemporaryDirectory() + "vigie-cli-anon-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let r = try CLI.run(["anonymise", "--input", clip, "--output", folder, "--mode", "pixelate"])
        #expect(r.status == 0, "\(r.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".jpg") }.sorted()
        #expect(names.count == 88 && names.first == "anon000001.jpg", "\(names.prefix(3))")
        let first = try JPEGCodec.decode(Array(try Data(contentsOf: URL(fileURLWithPath: folder + "/anon000001.jpg"))))
        #expect(first.luma.packedPixels.allSatisfy { abs(Int($0) - 128) <= 1 }, "the first frame must be fully redacted")

        let piped = try CLI.run(["anonymise", "--input", clip, "--output", "-", "--mode", "blur"])
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(piped.stdout.hasPrefix("YUV4MPEG2 W160 H120"))
        #expect(piped.stdout.components(separatedBy: "FRAME\n").count - 1 == 88)
        #expect(try CLI.run(["anonymise", "--input", clip, "--output", folder, "--mode", "mosaic"]).status == 64)
    }
}
