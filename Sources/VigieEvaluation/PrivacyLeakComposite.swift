import Foundation
import VigieAnonymise
import VigieBackground
import VigieCore
import VigieIO
import VigieKernels
import VigiePipeline
import VigieSimulator
import VigieTracking

/// Pixel-exact measurement of what the anonymiser lets through (issue 20).
///
/// Each case composites people (or real objects) onto a real, static background with exact
/// per-pixel ground truth: the composite frame, the clean background and which pixels are a
/// person's are known. The real chain (`TrackingPipeline` with `AdaptiveBackground`, as
/// `vigie anonymise` runs it, then the `Anonymiser`) processes the frames, and every output pixel
/// is checked:
///
/// - a *distinct* person pixel is a ground-truth pixel whose luma differs from the clean
///   background by more than `distinctLevels` (25): one that would show something of the person;
/// - it *leaks* when the output luma is within `noiseLevels` (4) of the person's luma there.
///   Flat fills cannot be told from copies by value alone, so an output pixel equal to a fill of
///   the anonymiser (the silhouette or fully-redacted luma) with a 4-neighbour of the same value is
///   not counted (a copy of a textured person almost never has an equal neighbour).
///
/// The background is the temporal median of the CDnet `baseline/highway` frames (a real road,
/// 320x240) with fresh Gaussian sensor noise (σ 2) each frame. People are the simulator's actors
/// with a planted high-contrast texture that moves with them; the real cases paste the ground-truth
/// cut-outs of the highway's vehicles (label 255, their shadows with label 50 too) at their real
/// places. Package-only: it handles raw frames.
package struct PrivacyLeakComposite: Sendable {
    /// How a person pixel is classified in a frame.
    package enum PixelClass: Int, Sendable, CaseIterable {
        /// Its actor moved more than half a pixel since the last frame.
        case moving = 1
        /// Its actor did not move.
        case still = 2
        /// Its actor's box touches the image border (entering or leaving).
        case entering = 3
    }

    /// One case: a name and how its frames are made.
    package struct Case: Sendable {
        /// Short name (the table's row).
        package var name: String
        /// What it exercises.
        package var summary: String
        fileprivate var source: Source
        /// Whether the objects are people (the simulated cases); the highway's are vehicles.
        package var isPeople: Bool {
            if case .simulated = source { return true }
            return false
        }
    }

    fileprivate enum Source: Sendable {
        case simulated(SimulatedScene)
        /// Highway frame numbers in order (a repeated number holds its objects still).
        case highway([Int])
    }

    /// Figures of one case.
    package struct Figures: Sendable, CustomStringConvertible {
        /// Case name.
        package var name = ""
        /// Distinct person pixels per class over the frames after warm-up.
        package var distinct: [PixelClass: Int] = [:]
        /// Leaked pixels per class over the frames after warm-up.
        package var leaked: [PixelClass: Int] = [:]
        /// Worst frame after warm-up: leaked / distinct person pixels (frames with ≥ 50 distinct pixels).
        package var worstFrameFraction = 0.0
        /// Frame number of the worst frame.
        package var worstFrame = 0
        /// Leaked pixels in the first frame.
        package var firstFrameLeaks = 0
        /// Frames, and frames after warm-up.
        package var frames = 0, warmFrames = 0
        /// Redacted pixels (the anonymiser's region) and true person pixels, after warm-up.
        package var redactedArea = 0, trueArea = 0
        /// Every pixel the composite changed after warm-up: the objects and, for the highway, their
        /// labelled shadows and blurred edges (CDnet labels 50 and 170), which are not a person's.
        package var changedArea = 0

        /// Empty figures named `name`.
        package init(name: String = "") { self.name = name }

        /// These figures and `other`'s added (the worst frame is the worse of the two).
        package mutating func add(_ other: Figures) {
            for c in PixelClass.allCases {
                distinct[c, default: 0] += other.distinct[c] ?? 0
                leaked[c, default: 0] += other.leaked[c] ?? 0
            }
            if other.worstFrameFraction > worstFrameFraction || worstFrame == 0 {
                (worstFrameFraction, worstFrame) = (other.worstFrameFraction, other.worstFrame)
            }
            firstFrameLeaks += other.firstFrameLeaks
            frames += other.frames
            warmFrames += other.warmFrames
            redactedArea += other.redactedArea
            trueArea += other.trueArea
            changedArea += other.changedArea
        }

        /// Leaked / distinct over `classes`.
        package func fraction(_ classes: [PixelClass] = PixelClass.allCases) -> Double {
            let d = classes.reduce(0) { $0 + (distinct[$1] ?? 0) }, l = classes.reduce(0) { $0 + (leaked[$1] ?? 0) }
            return d == 0 ? 0 : Double(l) / Double(d)
        }
        /// Redacted area / true people area.
        package var areaRatio: Double { trueArea == 0 ? 0 : Double(redactedArea) / Double(trueArea) }
        /// Redacted area / every changed pixel (objects with their shadows).
        package var changedAreaRatio: Double { changedArea == 0 ? 0 : Double(redactedArea) / Double(changedArea) }

        /// One table row.
        package var description: String {
            func cell(_ c: PixelClass) -> String {
                let d = distinct[c] ?? 0
                return d == 0 ? "      –        " : String(format: "%6.3f %% %6d", fraction([c]) * 100, leaked[c] ?? 0)
            }
            let padded = name.padding(toLength: 16, withPad: " ", startingAt: 0)
            return String(format: "%@ %@ %@ %@ %7.3f %% (#%4d) %6d %5.2fx %5.2fx", padded as NSString, cell(.moving) as NSString,
                          cell(.still) as NSString, cell(.entering) as NSString, worstFrameFraction * 100, worstFrame,
                          firstFrameLeaks, areaRatio, changedAreaRatio)
        }
    }

    /// Luma difference from the background above which a person pixel is distinct. 25.
    package var distinctLevels = 25
    /// Luma difference within which an output pixel equals a person pixel. 4.
    package var noiseLevels = 4
    /// Frame rate of every case. 10.
    package static let framesPerSecond = 10.0

    /// The clean background (luma, chroma), 320x240.
    private let backgroundY: [UInt8], backgroundCb: [UInt8], backgroundCr: [UInt8]
    private let highway: CDnetSequence
    /// Width and height.
    package let width: Int, height: Int

    /// The composite over the CDnet highway sequence at `highwayPath` (`…/cdnet/baseline/highway`).
    /// - Throws: when the sequence cannot be read.
    package init(highwayPath: String) throws {
        highway = try CDnetSequence(path: highwayPath)
        (width, height) = (highway.width, highway.height)
        // Temporal median of 43 frames spread over the sequence: the empty road.
        var samples: [[UInt8]] = [[], [], []]
        var count = 0
        for n in stride(from: 1, through: 1700, by: 40) {
            let f = try Self.decode(highway, n)
            samples[0] += f.luma.packedPixels
            samples[1] += f.cb!.packedPixels
            samples[2] += f.cr!.packedPixels
            count += 1
        }
        func median(_ s: [UInt8], _ size: Int) -> [UInt8] {
            (0..<size).map { i in
                var v = (0..<count).map { s[$0 * size + i] }
                v.sort()
                return v[count / 2]
            }
        }
        backgroundY = median(samples[0], width * height)
        let cs = ((width + 1) / 2) * ((height + 1) / 2)
        backgroundCb = median(samples[1], cs)
        backgroundCr = median(samples[2], cs)
    }

    private static func decode(_ sequence: CDnetSequence, _ n: Int) throws -> Frame {
        let digits = String(n)
        let path = sequence.inputFolder + "/in" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits + ".jpg"
        guard let data = FileManager.default.contents(atPath: path) else { throw EvaluationError.missingFile(path: path) }
        return try JPEGCodec.decode([UInt8](data), format: .ycbcr420)
    }

    /// The cases: simulated textured people walking, running, entering, stopping and in a group,
    /// and the highway's real vehicles moving and held still.
    package var cases: [Case] {
        let w = width, h = height, fps = Self.framesPerSecond
        func scene(_ seconds: Double, _ seed: UInt64, _ actors: [Actor]) -> Source {
            var s = SimulatedScene(width: w, height: h, framesPerSecond: fps, duration: seconds, seed: seed, actors: actors)
            s.noise = 0
            return .simulated(s)
        }
        return [
            Case(name: "walking", summary: "two people crossing at walking speed (0.15 image widths per second)",
                 source: scene(14, 21, [
                     Actor(id: 1, kind: .person, path: [Waypoint(3, 0.1, 0.7), Waypoint(12, 0.9, 0.75)], height: 0.35),
                     Actor(id: 2, kind: .person, path: [Waypoint(3.5, 0.8, 0.95), Waypoint(13, 0.3, 0.55)], height: 0.3),
                 ])),
            Case(name: "running", summary: "a runner crossing the image in 2 s, then one in 1.2 s",
                 source: scene(10, 22, [
                     Actor(id: 1, kind: .person, path: [Waypoint(3, 0.08, 0.8), Waypoint(5, 0.92, 0.8)], height: 0.4),
                     Actor(id: 2, kind: .person, path: [Waypoint(6.5, 0.9, 0.65), Waypoint(7.7, 0.1, 0.7)], height: 0.3),
                 ])),
            Case(name: "entering", summary: "people entering from the left, bottom and right edges",
                 source: scene(12, 23, [
                     Actor(id: 1, kind: .person, path: [Waypoint(3, -0.05, 0.7), Waypoint(8, 0.5, 0.7)], height: 0.35),
                     Actor(id: 2, kind: .person, path: [Waypoint(4, 0.35, 1.35), Waypoint(10, 0.35, 0.7)], height: 0.4),
                     Actor(id: 3, kind: .person, path: [Waypoint(5, 1.05, 0.9), Waypoint(11, 0.7, 0.9)], height: 0.3),
                 ])),
            Case(name: "stopping", summary: "walks in, stands 15 s (the motion model absorbs after 8 s), walks off",
                 source: scene(26, 24, [
                     Actor(id: 1, kind: .person, path: [Waypoint(3, 0.1, 0.8), Waypoint(5, 0.45, 0.8), Waypoint(20, 0.45, 0.8),
                                                        Waypoint(23, 0.95, 0.8)], height: 0.35),
                 ])),
            Case(name: "group", summary: "three people walking together, overlapping, then splitting",
                 source: scene(14, 25, [
                     Actor(id: 1, kind: .person, path: [Waypoint(3, 0.1, 0.75), Waypoint(10, 0.6, 0.75), Waypoint(13, 0.9, 0.6)], height: 0.35),
                     Actor(id: 2, kind: .person, path: [Waypoint(3, 0.16, 0.8), Waypoint(10, 0.66, 0.8), Waypoint(13, 0.7, 0.98)], height: 0.37),
                     Actor(id: 3, kind: .person, path: [Waypoint(3, 0.05, 0.72), Waypoint(10, 0.55, 0.72), Waypoint(13, 0.3, 0.7)], height: 0.3),
                 ])),
            Case(name: "highway-moving", summary: "real vehicles cut out of CDnet highway (frames 470–669)",
                 source: .highway(Array(470..<670))),
            Case(name: "highway-stopped", summary: "real vehicles: 5 s moving, held still 15 s, moving 5 s",
                 source: .highway(Array(800..<850) + Array(repeating: 850, count: 150) + Array(851..<900))),
        ]
    }

    /// Runs `aCase` through the real chain with an anonymiser configured by `configuration`;
    /// `each` sees every output with its frame number.
    ///
    /// The motion chain sees every frame; the anonymiser renders one frame in `anonymiseEvery` (the
    /// first included), and only those are scored. Between them it follows every frame
    /// (`Anonymiser.observe`) when `observesBetween`, as `vigie serve` and the report do, or sees
    /// nothing. 1 is `vigie anonymise`; `framesPerSecond` (one a second) is the cadence of the
    /// service's previews.
    package func run(_ aCase: Case, configuration: Anonymiser.Configuration = .init(), anonymiseEvery: Int = 1,
                     observesBetween: Bool = true, each: (Int, AnonymisedFrame) -> Void = { _, _ in }) throws -> Figures {
        precondition(anonymiseEvery >= 1, "anonymiseEvery is at least 1")
        var pipeline = TrackingPipeline(model: AdaptiveBackground(), minimumBlobArea: .frameDividedBy(2000, atLeast: 4))
        var anonymiser = Anonymiser(configuration)
        var figures = Figures(name: aCase.name)
        let fills: Set<UInt8> = [configuration.silhouetteLuma, configuration.redactedLuma]
        var rng = SplitMix64(seed: 0x5eed)
        var simulator: SceneSimulator?
        var numbers: [Int] = []
        switch aCase.source {
        case let .simulated(scene): simulator = SceneSimulator(scene)
        case let .highway(list): numbers = list
        }
        var previousBoxes: [Int: PixelRect] = [:]
        var index = 0
        var cutouts: [Int: (Frame, Plane)] = [:]
        while true {
            // Composite: person luma and class per pixel (0 = no person).
            var y = backgroundY, cb = backgroundCb, cr = backgroundCr
            var classes = [UInt8](repeating: 0, count: width * height)
            var changed = 0
            if let s = simulator {
                guard index < s.scene.frameCount else { break }
                let (_, truth) = s.render(at: Double(index) / Self.framesPerSecond, number: index + 1)
                let m = truth.mask.plane.packedPixels
                var boxes: [Int: PixelRect] = [:]
                for object in truth.objects {
                    let b = object.box
                    boxes[object.id] = b
                    let moved = previousBoxes[object.id].map { p in
                        abs(Double(p.x + p.width / 2 - b.x - b.width / 2)) + abs(Double(p.y + p.height - b.y - b.height)) > 0.5
                    } ?? true
                    let touches = b.x <= 0 || b.y <= 0 || b.x + b.width >= width || b.y + b.height >= height
                    let c: PixelClass = touches ? .entering : moved ? .moving : .still
                    for yy in max(0, b.y)..<min(height, b.y + b.height) {
                        for xx in max(0, b.x)..<min(width, b.x + b.width) where m[yy * width + xx] != 0 {
                            let i = yy * width + xx
                            if classes[i] == 0 { classes[i] = UInt8(c.rawValue) }
                            // Planted texture: 2x2 cells, levels far from the fills, fixed to the body.
                            let cell = UInt64(object.id) &* 0x9E37_79B9 &+ UInt64((xx - b.x) / 2) &* 0x85EB_CA6B
                                &+ UInt64((yy - b.y) / 2) &* 0xC2B2_AE35
                            y[i] = Self.textureLevel(cell)
                        }
                    }
                }
                previousBoxes = boxes
            } else {
                guard index < numbers.count else { break }
                let n = numbers[index]
                if cutouts[n] == nil { cutouts = [n: (try Self.decode(highway, n), try highway.groundTruth(frame: n))] }
                let (real, gt) = cutouts[n]!
                let still = index > 0 && numbers[index - 1] == n
                let ry = real.luma.packedPixels, g = gt.packedPixels
                let rcb = real.cb!.packedPixels, rcr = real.cr!.packedPixels
                let cw = (width + 1) / 2
                for i in 0..<(width * height) where g[i] == 255 || g[i] == 50 || g[i] == 170 {
                    changed += 1
                    y[i] = ry[i]
                    let ci = (i / width / 2) * cw + (i % width) / 2
                    cb[ci] = rcb[ci]
                    cr[ci] = rcr[ci]
                    if g[i] == 255 {
                        let x = i % width, yy = i / width
                        let touches = x < 4 || yy < 4 || x >= width - 4 || yy >= height - 4
                        classes[i] = UInt8((touches ? PixelClass.entering : still ? .still : .moving).rawValue)
                    }
                }
            }
            let person = y
            for i in y.indices { y[i] = UInt8(clamping: Int(y[i]) + rng.noise()) }
            let ts = Timestamp(seconds: Double(index) / Self.framesPerSecond)
            let frame = try Frame(luma: Plane(width: width, height: height, copying: y),
                                  cb: Plane(width: (width + 1) / 2, height: (height + 1) / 2, copying: cb),
                                  cr: Plane(width: (width + 1) / 2, height: (height + 1) / 2, copying: cr),
                                  timestamp: ts, number: index + 1)
            let (mask, tracked) = try pipeline.process(frame)
            let input = AnonymiserInput(frame: frame, foreground: mask, tracks: tracked ?? [], model: pipeline.motion.model)
            guard index % anonymiseEvery == 0 else {
                if observesBetween { try anonymiser.observe(input) }
                index += 1
                continue
            }
            let image = try anonymiser.process(input)
            each(index + 1, image)
            let out = image.frame.luma.packedPixels
            let warm = pipeline.motion.model.isWarm && !anonymiser.lastFrameFullyRedacted
            var frameDistinct = 0, frameLeaked = 0
            for i in 0..<(width * height) where classes[i] != 0 {
                if warm { figures.trueArea += 1 }
                guard abs(Int(person[i]) - Int(backgroundY[i])) > distinctLevels else { continue }
                frameDistinct += 1
                let o = out[i]
                var copied = abs(Int(o) - Int(person[i])) <= noiseLevels
                if copied && fills.contains(o) {
                    let x = i % width, yy = i / width
                    let flat = (x > 0 && out[i - 1] == o) || (x + 1 < width && out[i + 1] == o)
                        || (yy > 0 && out[i - width] == o) || (yy + 1 < height && out[i + width] == o)
                    copied = !flat
                }
                if index == 0, copied { figures.firstFrameLeaks += 1 }
                guard warm else { continue }
                let c = PixelClass(rawValue: Int(classes[i]))!
                figures.distinct[c, default: 0] += 1
                if copied {
                    figures.leaked[c, default: 0] += 1
                    frameLeaked += 1
                }
            }
            if warm {
                figures.changedArea += simulator == nil ? changed : classes.reduce(0) { $0 + ($1 != 0 ? 1 : 0) }
                figures.warmFrames += 1
                figures.redactedArea += anonymiser.lastRedactedPixels
                if frameDistinct >= 50 {
                    let f = Double(frameLeaked) / Double(frameDistinct)
                    if f > figures.worstFrameFraction || figures.worstFrame == 0 {
                        (figures.worstFrameFraction, figures.worstFrame) = (f, index + 1)
                    }
                }
            }
            index += 1
        }
        figures.frames = index
        return figures
    }

    /// A texture level in 16…100 or 200…240: high contrast, and never a fill value of the anonymiser.
    private static func textureLevel(_ cell: UInt64) -> UInt8 {
        var z = cell &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        let v = Int(z % 126)
        return UInt8(v < 85 ? 16 + v : 200 + (v - 85))
    }

    /// Table header for `Figures.description`.
    package static let header =
        "case             moving leaked    still leaked     entering leaked  worst frame         1st   area   area\n"
        + "                 (% of distinct, pixels)                           (% of distinct)     frame ratio  /changed"
}

extension SplitMix64 {
    /// Sensor noise: an approximately Gaussian integer draw, the sum of two uniform draws in −2…2
    /// (variance 2 x 2 = 4, σ = 2).
    mutating func noise() -> Int {
        let r = next()
        return Int(r & 0xFF) % 5 - 2 + Int((r >> 8) & 0xFF) % 5 - 2
    }
}
