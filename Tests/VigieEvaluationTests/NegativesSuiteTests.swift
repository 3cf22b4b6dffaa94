import Foundation
import Testing
import VigieEvents
@testable import VigieEvaluation

/// The negatives suite: every hard-event rule and the zone rules over the shared clips in which
/// no hard event happens. Every hard event raised there is a false alert; the target is none.
/// Whole clips: release builds only; each clip says when it is absent.
@Suite("Negatives suite: no false hard-event alert on real footage (release builds)")
struct NegativesSuiteTests {
    static let ffmpeg: String? = ["/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg", "/opt/homebrew/bin/ffmpeg"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }
    static var isReleaseBuild: Bool {
        #if DEBUG
        false
        #else
        true
        #endif
    }
    static let clips = NegativesSuite.clips(sharedData: SharedData.root ?? SharedData.candidates[0])

    @Test func theClipsAreTheSharedFootageWithNoHardEvent() {
        #expect(Self.clips.map(\.name) == ["PETS2009-S2L1", "CDnet-highway", "TUD-Stadtmitte", "Wallflower-WavingTrees"])
        // Every hard-event kind has a rule in the scene, on the whole image.
        let kinds = Set(NegativesSuite.scene.rules.map(\.kind))
        for kind in NegativesSuite.hardKinds { #expect(kinds.contains(kind), "\(kind) not run") }
    }

    @Test(.enabled(if: ffmpeg != nil, "needs ffmpeg to decode the clips"),
          .enabled(if: isReleaseBuild, "whole-clip test: runs in the release build"),
          arguments: clips)
    func noFalseHardEventAlert(_ clip: NegativesSuite.Clip) throws {
        try #require(clip.isPresent, "\(clip.name) absent from ../shared/data (\(clip.input))")
        let result = try NegativesSuite.run(clip, ffmpeg: Self.ffmpeg!)
        #expect(result.seconds > 5, "\(clip.name): only \(result.seconds) s decoded")
        let hard = result.alerts.filter { NegativesSuite.hardKinds.contains($0.kind) }
        #expect(hard.isEmpty, "\(clip.name): \(hard.map { "\($0.kind) at \($0.time) s (frame \($0.frame))" })")
        // The chain did see the scene: someone (or something) entered the whole-image zone.
        #expect(result.count(.intrusion) >= 1, "\(clip.name): no intrusion, the pipeline saw nothing")
        print(NegativesSuite.table([result]))
    }
}
