import Foundation
import Testing
@testable import VigieAnonymise
import VigieBackground
@testable import VigieCore
import VigieKernels
import VigieRules
import VigieSimulator

@Suite("Anonymiser: fails closed, privacy masks, no pixels in descriptions")
struct FailClosedTests {
    static func emptyScene(duration: Double = 8, lightSwitches: [LightSwitch] = []) -> SimulatedScene {
        var scene = SimulatedScene(width: 160, height: 120, duration: duration, seed: 21, actors: [
            Actor(id: 1, kind: .person, path: [Waypoint(4, 0.1, 0.8), Waypoint(duration, 0.9, 0.8)])
        ])
        scene.lightSwitches = lightSwitches
        return scene
    }

    @Test func firstFramesAreFullyRedacted() throws {
        var simulator = SceneSimulator(Self.emptyScene())
        var chain = Chain()
        var cold = 0, warmAndShown = 0
        while let frame = try simulator.next() {
            let out = try chain.process(frame)
            if !chain.motion.model.isWarm {
                cold += 1
                #expect(isFlat(out), "frame \(frame.number) before warm-up is not fully redacted")
                #expect(chain.anonymiser.lastFrameFullyRedacted)
            } else if !isFlat(out) {
                warmAndShown += 1
            }
        }
        #expect(cold >= 10, "expected about 2 s of warm-up, got \(cold) frames")
        #expect(warmAndShown > 30, "after warm-up the scene is shown")
    }

    @Test func coveredCameraIsFullyRedacted() throws {
        var simulator = SceneSimulator(Self.emptyScene(duration: 5))
        var chain = Chain()
        var last = Timestamp.zero, number = 0
        while let frame = try simulator.next() {
            _ = try chain.process(frame)
            last = frame.timestamp
            number = frame.number
        }
        #expect(chain.motion.model.isWarm)
        // Someone puts a hand over the lens: black frames.
        for i in 1...15 {
            let black = Frame(width: 160, height: 120, format: .ycbcr420, y: 0,
                              timestamp: Timestamp(seconds: last.seconds + Double(i) / 10), number: number + i)
            let out = try chain.process(black)
            #expect(isFlat(out), "covered frame \(i) is not fully redacted")
        }
    }

    @Test func suddenLightSwitchIsFullyRedacted() throws {
        var simulator = SceneSimulator(Self.emptyScene(duration: 8, lightSwitches: [LightSwitch(time: 5, gain: 1.6)]))
        var chain = Chain()
        var switchedFrames = 0
        while let frame = try simulator.next() {
            let out = try chain.process(frame)
            let t = frame.timestamp.seconds
            if t >= 5 && t < 5.35 {
                switchedFrames += 1
                #expect(isFlat(out), "frame at \(t) s, just after the light switch, is not fully redacted")
            }
        }
        #expect(switchedFrames >= 3)
    }

    @Test func unreliableMaskIsFullyRedacted() throws {
        var anonymiser = Anonymiser()
        let frame = Frame(width: 64, height: 48, format: .ycbcr420, y: 90)
        var mask = Mask(width: 64, height: 48)
        mask.withMutablePixels { m in for y in 0..<30 { for x in 0..<64 { m[x, y] = 255 } } }  // 62 %
        let out = try anonymiser.process(AnonymiserInput(frame: frame, foreground: mask, tracks: [], isWarm: true,
                                                         globalChange: false))
        #expect(isFlat(out))
        let clear = try anonymiser.process(AnonymiserInput(frame: frame, foreground: Mask(width: 64, height: 48),
                                                           tracks: [], isWarm: true, globalChange: false))
        #expect(isFlat(clear, luma: 90) && !anonymiser.lastFrameFullyRedacted)
    }

    @Test func privacyMasksAreOpaqueInEveryFrame() throws {
        let polygon = [NormalisedPoint(x: 0.1, y: 0.1), NormalisedPoint(x: 0.45, y: 0.12), NormalisedPoint(x: 0.4, y: 0.5),
                       NormalisedPoint(x: 0.12, y: 0.42)]
        let mask = PrivacyMask(id: "window", polygon: polygon)
        var simulator = SceneSimulator(Self.emptyScene(duration: 6))
        var chain = Chain(privacyMasks: [mask])
        var checked = 0
        while let frame = try simulator.next() {
            let out = try chain.process(frame)
            let luma = out.frame.luma.packedPixels, cb = out.frame.cb!.packedPixels
            for y in 0..<120 {
                for x in 0..<160 where mask.contains(NormalisedPoint(x: (Double(x) + 0.5) / 160, y: (Double(y) + 0.5) / 120)) {
                    #expect(luma[y * 160 + x] == 0)
                    #expect(cb[(y / 2) * 80 + x / 2] == 128)
                    checked += 1
                }
            }
        }
        #expect(checked > 60 * 500)
    }

    @Test func descriptionsCarryNoPixels() throws {
        var simulator = SceneSimulator(Self.emptyScene(duration: 4))
        var chain = Chain(privacyMasks: [PrivacyMask(id: "w", polygon: [.init(x: 0, y: 0), .init(x: 0.2, y: 0), .init(x: 0, y: 0.2)])])
        var last: AnonymisedFrame?
        var input: AnonymiserInput?
        while let frame = try simulator.next() {
            last = try chain.process(frame)
            input = AnonymiserInput(frame: frame, foreground: chain.lastForeground!, tracks: [], isWarm: true, globalChange: false)
        }
        let values: [Any] = [chain.anonymiser, try #require(last), try #require(input)]
        for value in values {
            var dumped = ""
            dump(value, to: &dumped)
            for text in [String(describing: value), String(reflecting: value), dumped] {
                #expect(text.count < 600, "\(text.count) characters: \(text.prefix(200))")
                #expect(!text.contains("storage") && !text.contains("background") && !text.contains("Plane"), "\(text)")
                // No run of numbers that could be pixel rows.
                let numbers = text.split(whereSeparator: { !$0.isNumber }).count
                #expect(numbers < 30, "\(numbers) numbers in \(text)")
            }
        }
    }

    @Test(arguments: [(1, 1, 0), (7, 5, 1), (16, 9, 3), (33, 17, 8), (64, 40, 20), (5, 70, 12)])
    func boxBlurMatchesReference(width: Int, height: Int, radius: Int) {
        var rng = SplitMix64(seed: UInt64(width * 1000 + height))
        var source = Plane(width: width, height: height)
        source.withMutableView { v in for y in 0..<height { for x in 0..<width { v[x, y] = UInt8.random(in: 0...255, using: &rng) } } }
        var a = Plane(width: width, height: height), b = Plane(width: width, height: height)
        var s1 = Plane(width: width, height: height), s2 = Plane(width: width, height: height)
        var sums = [UInt32](repeating: 0, count: width)
        source.withView { src in
            a.withMutableView { d in s1.withMutableView { t in boxBlurReference(src, into: d, radius: radius, scratch: t) } }
            b.withMutableView { d in
                s2.withMutableView { t in
                    sums.withUnsafeMutableBufferPointer { boxBlur(src, into: d, radius: radius, scratch: t, columnSums: $0.baseAddress!) }
                }
            }
        }
        #expect(a.packedPixels == b.packedPixels)
        // In place gives the same result.
        var c = source
        c.withMutableView { d in
            s2.withMutableView { t in
                sums.withUnsafeMutableBufferPointer { boxBlur(d.readOnly, into: d, radius: radius, scratch: t, columnSums: $0.baseAddress!) }
            }
        }
        #expect(c.packedPixels == a.packedPixels)
    }
}
