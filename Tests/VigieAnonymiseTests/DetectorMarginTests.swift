import Testing
import VigieAnonymise
import VigieBackground
import VigieBlobs
@testable import VigieCore
import VigieSimulator
import VigieTracking

/// A person in view from the first frame who never moves: the motion model learns them as scene,
/// so only a detector's box has them redacted (Privacy.md, threat model). A body box that misses
/// the head and the arms, as a person model's box may, must not leave them to be copied through.
@Suite("Anonymiser: a still person found only by a detector")
struct DetectorMarginTests {
    static let scene = SimulatedScene(width: 160, height: 120, framesPerSecond: 10, duration: 8, seed: 31, actors: [
        Actor(id: 1, kind: .person, path: [Waypoint(0, 0.5, 0.9), Waypoint(8, 0.5, 0.9)], height: 0.5, luma: 60),
    ])

    /// The person's pixels copied through in each frame the anonymiser redacts (not fail-closed),
    /// with a detector whose box is the person's body without the top fifth (the head) and a
    /// fifth of the width on each side (the arms).
    static func copiedPerFrame(_ configuration: Anonymiser.Configuration, objectClass: String? = "person") throws -> [Int] {
        var simulator = SceneSimulator(scene)
        var motion = MotionPipeline(model: AdaptiveBackground())
        var blobs = BlobExtraction()
        var tracker = Tracker()
        var anonymiser = Anonymiser(configuration)
        var copied: [Int] = []
        while let (frame, truth) = simulator.nextWithTruth() {
            let mask = try motion.process(frame)
            var tracks: [Track] = []
            if motion.model.isWarm && !motion.model.sawGlobalChange {
                let b = try #require(truth.objects.first).box
                let body = PixelRect(x: b.x + b.width / 5, y: b.y + b.height / 5, width: b.width - 2 * (b.width / 5),
                                     height: b.height - b.height / 5)
                tracks = try tracker.process(Tracker.Input(timestamp: frame.timestamp, frameWidth: frame.width,
                                                           frameHeight: frame.height, blobs: blobs.process(mask),
                                                           detections: [Detection(box: body, objectClass: objectClass)]))
            }
            let out = try anonymiser.process(AnonymiserInput(frame: frame, foreground: mask, tracks: tracks, model: motion.model))
            guard !anonymiser.lastFrameFullyRedacted else { continue }
            let original = frame.luma.packedPixels, anonymised = out.frame.luma.packedPixels, person = truth.mask.plane.packedPixels
            copied.append(person.indices.filter {
                person[$0] != 0 && anonymised[$0] == original[$0] && original[$0] != configuration.silhouetteLuma
            }.count)
        }
        return copied
    }

    @Test func theDetectorsMarginCoversWhatItsBoxMisses() throws {
        let copied = try Self.copiedPerFrame(Anonymiser.Configuration())
        #expect(copied.count > 30, "frames redacted after warm-up: \(copied.count)")
        #expect(copied.allSatisfy { $0 == 0 }, "person pixels copied through: \(copied)")
        // A detector that gives no class is a detector all the same.
        #expect(try Self.copiedPerFrame(Anonymiser.Configuration(), objectClass: nil) == copied)
        // Without the margin the same box leaves the head and the arms (the test can fail).
        var bare = Anonymiser.Configuration()
        bare.detectionMarginFraction = 0
        let leaked = try Self.copiedPerFrame(bare)
        print("without the margin:", leaked.min() ?? -1, leaked.max() ?? -1, "of", copied.count, "frames")
        #expect(leaked.count == copied.count && leaked.allSatisfy { $0 > 20 }, "without the margin: \(leaked)")
    }
}
