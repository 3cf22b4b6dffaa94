import Testing
@testable import VigieBackground
@testable import VigieBlobs
@testable import VigieCore
@testable import VigieSimulator

@Suite("Scene simulator")
struct SceneSimulatorTests {
    static func walker(seed: UInt64 = 3) -> SimulatedScene {
        SimulatedScene(width: 96, height: 72, framesPerSecond: 10, duration: 8, seed: seed, actors: [
            Actor(id: 7, kind: .person, path: [Waypoint(3, 0.1, 0.8), Waypoint(8, 0.9, 0.8)], castsShadow: true)
        ])
    }

    @Test func isDeterministicFromTheSeed() throws {
        var a = SceneSimulator(Self.walker()), b = SceneSimulator(Self.walker())
        var c = SceneSimulator(Self.walker(seed: 4))
        for _ in 0..<40 {
            let na = a.nextWithTruth(), nb = b.nextWithTruth(), nc = c.nextWithTruth()
            let fa = try #require(na), fb = try #require(nb), fc = try #require(nc)
            #expect(fa.frame.hasSamePixels(as: fb.frame))
            #expect(!fa.frame.hasSamePixels(as: fc.frame))
            #expect(fa.truth.objects == fb.truth.objects)
        }
    }

    @Test func groundTruthFollowsThePath() throws {
        var sim = SceneSimulator(Self.walker())
        var seen: [GroundTruth.Object] = []
        var frames = 0
        while let (frame, truth) = sim.nextWithTruth() {
            frames += 1
            #expect(frame.width == 96 && frame.format == .ycbcr420)
            if frame.timestamp.seconds < 3 { #expect(truth.objects.isEmpty) }
            seen += truth.objects
            for o in truth.objects { #expect(truth.mask.plane[x: o.box.x + o.box.width / 2, y: o.box.y + o.box.height / 2] == 255 || o.box.width < 4) }
        }
        #expect(frames == 80)
        #expect(seen.count >= 45)
        let xs = seen.map(\.box.x)
        #expect(xs == xs.sorted())  // walks left to right
        #expect(seen.allSatisfy { $0.id == 7 && abs($0.box.height - Int(0.3 * 72)) <= 2 })
    }

    @Test func lyingDownMakesThePersonWide() throws {
        var actor = Actor(id: 1, kind: .person, path: [Waypoint(0, 0.5, 0.8), Waypoint(4, 0.5, 0.8)])
        actor.postures = [(time: 2, aspect: 2.5)]
        let sim = SceneSimulator(SimulatedScene(width: 96, height: 72, duration: 4, seed: 1, actors: [actor]))
        let standing = sim.render(at: 1, number: 11).1.objects[0].box
        let lying = sim.render(at: 3, number: 31).1.objects[0].box
        #expect(standing.height > standing.width && lying.width > lying.height)
    }

    @Test func motionPipelineFindsTheSimulatedPerson() throws {
        var sim = SceneSimulator(Self.walker())
        var pipeline = MotionPipeline(model: AdaptiveBackground())
        var blobs = BlobExtraction(minimumArea: 20)
        var matched = 0, scored = 0
        while let (frame, truth) = sim.nextWithTruth() {
            let found = blobs.process(try pipeline.process(frame))
            guard frame.timestamp.seconds >= 3.5, let person = truth.objects.first, person.box.x > 2,
                  person.box.x + person.box.width < 94 else { continue }
            scored += 1
            if found.contains(where: { iou($0.boundingBox, person.box) > 0.5 }) { matched += 1 }
        }
        #expect(scored > 20 && Double(matched) / Double(scored) > 0.9, "matched \(matched) of \(scored)")
    }
}

func iou(_ a: PixelRect, _ b: PixelRect) -> Double {
    let x0 = max(a.x, b.x), y0 = max(a.y, b.y)
    let x1 = min(a.x + a.width, b.x + b.width), y1 = min(a.y + a.height, b.y + b.height)
    let inter = max(0, x1 - x0) * max(0, y1 - y0)
    return Double(inter) / Double(a.area + b.area - inter)
}
