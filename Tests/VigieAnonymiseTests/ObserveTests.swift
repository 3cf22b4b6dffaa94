import Foundation
import Testing
import VigieAnonymise
import VigieBackground
import VigieBlobs
@testable import VigieCore
import VigieSimulator
import VigieTracking

/// `Anonymiser.observe`: a caller that renders one frame in N (the service's previews, the report's
/// images) and follows the others gets the very images of an anonymiser rendering every frame.
@Suite("Anonymiser: following frames without rendering them")
struct ObserveTests {
    /// Two people walking across, one entering from the edge, 160x120 at 10 fps.
    static let scene = SimulatedScene(width: 160, height: 120, framesPerSecond: 10, duration: 12, seed: 21, actors: [
        Actor(id: 1, kind: .person, path: [Waypoint(0, 0.2, 0.7), Waypoint(11, 0.85, 0.75)], luma: 60),
        Actor(id: 2, kind: .person, path: [Waypoint(3, 1.1, 0.5), Waypoint(11, 0.1, 0.55)], height: 0.3, luma: 190),
    ])

    /// The inputs of every frame from the real chain.
    static func inputs() throws -> [AnonymiserInput] {
        var simulator = SceneSimulator(scene)
        var motion = MotionPipeline(model: AdaptiveBackground())
        var blobs = BlobExtraction()
        blobs.minimumArea = 160 * 120 / 2000
        var tracker = Tracker()
        var out: [AnonymiserInput] = []
        while let frame = try simulator.next() {
            let mask = try motion.process(frame).copied()
            var tracks: [Track] = []
            if motion.model.isWarm && !motion.model.sawGlobalChange {
                tracks = try tracker.process(Tracker.Input(timestamp: frame.timestamp, frameWidth: frame.width,
                                                           frameHeight: frame.height, blobs: blobs.process(mask)))
            }
            out.append(AnonymiserInput(frame: frame, foreground: mask, tracks: tracks, model: motion.model))
        }
        return out
    }

    static func pixels(_ image: AnonymisedFrame) -> [UInt8] {
        image.frame.luma.packedPixels + (image.frame.cb?.packedPixels ?? []) + (image.frame.cr?.packedPixels ?? [])
    }

    @Test func renderingOneFrameInTenWhileFollowingTheOthersGivesTheSameImages() throws {
        let inputs = try Self.inputs()
        var everyFrame = Anonymiser(), following = Anonymiser(), alone = Anonymiser()
        var compared = 0, redactedDiffer = 0, redactedWhole = 0
        for (i, input) in inputs.enumerated() {
            let reference = try everyFrame.process(input)
            guard i % 10 == 0 else {
                try following.observe(input)
                #expect(following.lastFrameFullyRedacted == everyFrame.lastFrameFullyRedacted, "frame \(i + 1)")
                #expect(following.lastRedactedPixels == everyFrame.lastRedactedPixels, "frame \(i + 1)")
                continue
            }
            let image = try following.process(input)
            _ = try alone.process(input)
            #expect(Self.pixels(image) == Self.pixels(reference), "frame \(i + 1): the images differ")
            #expect(image.timestamp == reference.timestamp && image.number == reference.number)
            if everyFrame.lastFrameFullyRedacted { redactedWhole += 1 } else { compared += 1 }
            if alone.lastRedactedPixels != everyFrame.lastRedactedPixels { redactedDiffer += 1 }
        }
        // The comparison covers frames with people redacted (not only fail-closed fills) ...
        #expect(compared >= 6 && redactedWhole >= 1, "\(compared) redacted frames, \(redactedWhole) fail-closed")
        // ... and following matters: an anonymiser given only those frames redacts differently.
        #expect(redactedDiffer >= 3, "an anonymiser seeing one frame in ten redacted like the others in all but \(redactedDiffer)")
    }

    /// The cleanup's masks carry their bits, which the seed reads instead of the bytes: the same
    /// images as from the bytes alone.
    @Test func theMasksBitsAndItsBytesGiveTheSameImages() throws {
        let inputs = try Self.inputs()
        #expect(inputs.allSatisfy { $0.foreground.packedBits != nil })
        var fromBits = Anonymiser(), fromBytes = Anonymiser()
        var redacted = 0
        for (i, input) in inputs.enumerated() {
            var bytesOnly = input
            bytesOnly.foreground = Mask(plane: input.foreground.plane)
            #expect(bytesOnly.foreground.packedBits == nil)
            let a = try fromBits.process(input), b = try fromBytes.process(bytesOnly)
            #expect(Self.pixels(a) == Self.pixels(b), "frame \(i + 1)")
            if !fromBits.lastFrameFullyRedacted && fromBits.lastRedactedPixels > 0 { redacted += 1 }
        }
        #expect(redacted > 50)
    }

    @Test func observeChecksTheFrameSize() throws {
        let inputs = try Self.inputs()
        var anonymiser = Anonymiser()
        try anonymiser.observe(inputs[0])
        let small = Frame(width: 80, height: 60, format: inputs[0].frame.format)
        let input = AnonymiserInput(frame: small, foreground: Mask(width: 80, height: 60), tracks: [], isWarm: true,
                                    globalChange: false)
        #expect(throws: FrameError.self) { try anonymiser.observe(input) }
    }
}
