import Foundation
import Testing
import VigieAnonymise
import VigieBackground
@testable import VigieCore
import VigieRules
import VigieSimulator

/// The privacy guarantee, measured: actors carry random-noise textures (stand-ins for faces); after
/// anonymisation no planted detail may survive in any actor's ground-truth pixels.
@Suite("Anonymiser: planted textures do not survive")
struct PlantedTextureTests {
    static func movingScene() -> SimulatedScene {
        SimulatedScene(width: 160, height: 120, duration: 12, seed: 11, actors: [
            Actor(id: 1, kind: .person, path: [Waypoint(3, 0.05, 0.55), Waypoint(10, 0.95, 0.6)], luma: 60),
            Actor(id: 2, kind: .person, path: [Waypoint(3.5, 0.9, 0.85), Waypoint(11, 0.1, 0.8)], luma: 90,
                  chroma: (140, 120)),
            Actor(id: 3, kind: .person, path: [Waypoint(4, 0.4, 0.98), Waypoint(9, 0.6, 0.45)], height: 0.4, luma: 45),
        ])
    }

    /// Walks in, stops for 15 s (longer than the model's 8 s absorption), walks off.
    static func stillScene() -> SimulatedScene {
        SimulatedScene(width: 160, height: 120, duration: 24, seed: 12, actors: [
            Actor(id: 1, kind: .person, path: [Waypoint(3, 0.05, 0.75), Waypoint(5, 0.45, 0.75), Waypoint(20, 0.45, 0.75),
                                               Waypoint(23, 0.95, 0.75)], luma: 190, chroma: (121, 135)),
            Actor(id: 2, kind: .person, path: [Waypoint(6, 0.95, 0.5), Waypoint(14, 0.05, 0.5)], height: 0.25, luma: 85),
        ])
    }

    /// An actor already in the first frame, walking from there.
    static func firstFrameScene() -> SimulatedScene {
        SimulatedScene(width: 160, height: 120, duration: 10, seed: 13, actors: [
            Actor(id: 1, kind: .person, path: [Waypoint(0, 0.2, 0.7), Waypoint(9, 0.85, 0.75)], luma: 70),
            Actor(id: 2, kind: .person, path: [Waypoint(0, 0.8, 0.95), Waypoint(9, 0.3, 0.9)], height: 0.35, luma: 50),
        ])
    }

    static func check(_ r: LeakReport, _ name: String) {
        print("\(name): \(r.patches) patches over \(r.warmFrames) warm frames; max correlation \(r.maxCorrelation), "
              + "max |correlation| \(r.maxAbsCorrelation), max copied \(r.maxCopied), max variance \(r.maxVariance), "
              + "max |detail correlation| \(r.maxDetailCorrelation); pooled \(r.pooledCorrelation), "
              + "pooled detail \(r.pooledDetailCorrelation), pooled copied \(r.pooledCopied); worst \(r.worst)")
        #expect(r.patches > 50, "\(name): too few actor patches measured")
        #expect(r.maxAbsCorrelation <= 0.05, "\(name): correlation \(r.maxAbsCorrelation)")
        // Copies beyond chance: per patch (a few hundred pixels, so ±1 % of chance noise) and pooled.
        #expect(r.maxCopied <= 0.05, "\(name): \(r.maxCopied) of a patch copied through")
        #expect(r.pooledCopied <= 0.005, "\(name): \(r.pooledCopied) of all patch pixels copied through")
        #expect(r.maxDetailCorrelation <= 0.05, "\(name): detail correlation \(r.maxDetailCorrelation)")
    }

    @Test func movingActors() throws {
        Self.check(try measure(Self.movingScene()), "moving")
    }

    @Test func actorThatStopsAndIsAbsorbed() throws {
        var absorbedFrames = 0, coastingFrames = 0
        // The motion model absorbs what stays still for 4 s (default 8 s), well within the stop.
        var model = AdaptiveBackground.Configuration()
        model.absorbAfter = 4
        let report = try measure(Self.stillScene(), model: model) { index, frame, truth, _, chain in
            let t = frame.timestamp.seconds
            guard t > 15 && t < 19.5, let person = truth.objects.first(where: { $0.id == 1 }),
                  let mask = chain.lastForeground else { return }
            // The motion model has absorbed the still person: (almost) no foreground left on them.
            let m = mask.plane.packedPixels
            var set = 0
            for y in person.box.y..<(person.box.y + person.box.height) {
                for x in person.box.x..<(person.box.x + person.box.width) where m[y * mask.width + x] != 0 { set += 1 }
            }
            if Double(set) < 0.1 * Double(person.box.area) { absorbedFrames += 1 }
            let centre = PixelPoint(x: Double(person.box.x) + Double(person.box.width) / 2,
                                    y: Double(person.box.y) + Double(person.box.height) / 2)
            if chain.lastTracks.contains(where: {
                $0.state != .ended && Double($0.box.x) <= centre.x && centre.x <= Double($0.box.x + $0.box.width)
                    && Double($0.box.y) <= centre.y && centre.y <= Double($0.box.y + $0.box.height)
            }) { coastingFrames += 1 }
        }
        // Measured: the real Tracker follows the fading blob and loses the still person (few frames with a
        // track over them); the anonymiser's static difference keeps them redacted regardless.
        print("still: \(absorbedFrames) frames absorbed by the motion model, \(coastingFrames) with a track over the person")
        #expect(absorbedFrames >= 20, "the scenario must exercise a person the motion model has absorbed")
        Self.check(report, "still")
    }

    @Test func actorPresentFromTheFirstFrame() throws {
        Self.check(try measure(Self.firstFrameScene()), "first frame")
    }

    @Test(arguments: [AnonymisationMode.pixelate, .blur])
    func coarserModesRemoveTheDetail(mode: AnonymisationMode) throws {
        var configuration = Anonymiser.Configuration()
        configuration.mode = mode
        let r = try measure(Self.movingScene(), configuration)
        print("\(mode): max |detail correlation| \(r.maxDetailCorrelation), max copied \(r.maxCopied), "
              + "max |correlation| \(r.maxAbsCorrelation), pooled \(r.pooledCorrelation), "
              + "pooled detail \(r.pooledDetailCorrelation), pooled copied \(r.pooledCopied)")
        #expect(r.patches > 50)
        #expect(r.pooledDetailCorrelation <= 0.05, "\(mode): pooled detail correlation \(r.pooledDetailCorrelation)")
        #expect(r.maxCopied <= 0.05, "\(mode): \(r.maxCopied) copied beyond chance")
        #expect(r.pooledCopied <= 0.005, "\(mode): \(r.pooledCopied) copied beyond chance, pooled")
    }
}
