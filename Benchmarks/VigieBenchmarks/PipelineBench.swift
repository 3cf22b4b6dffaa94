// Whole-pipeline figures for Documentation/Performance.md (issues 5 and 7):
//   vigie-bench streams FRAMES_DIR      640x360 streams at 10 fps one core sustains (in memory and from
//                                       JPEG), and 1 → 2 cores (one pipeline per thread)
//   vigie-bench pipeline FRAMES_DIR     ScenePipeline at the frames' size, in memory: fps per core, MP/s
//   vigie-bench hard-events Y4M         what the hard-event analysers and rules add to the motion stage
import Foundation
import Vigie

/// A transport scene: intrusion, loitering, line crossing, density and wrong way on the whole view.
let benchScene = try! Scene(json: Data(#"""
    {"cameraID": "bench",
     "zones": [{"id": "platform", "polygon": [{"x":0.05,"y":0.4},{"x":0.95,"y":0.4},{"x":0.95,"y":0.98},{"x":0.05,"y":0.98}],
                "allowedDirection": 0, "directionTolerance": 60},
               {"id": "track", "polygon": [{"x":0.05,"y":0.1},{"x":0.95,"y":0.1},{"x":0.95,"y":0.38},{"x":0.05,"y":0.38}]}],
     "lines": [{"id": "gate", "from": {"x":0.5,"y":0.1}, "to": {"x":0.5,"y":0.99}}],
     "rules": [{"id": "in", "kind": "intrusion", "zone": "track"},
               {"id": "stay", "kind": "loitering", "zone": "platform", "maxDwell": 30},
               {"id": "cross", "kind": "lineCrossed", "line": "gate"},
               {"id": "crowd", "kind": "densityExceeded", "zone": "platform", "maxCount": 12},
               {"id": "wrong", "kind": "wrongWay", "zone": "platform"}]}
    """#.utf8))

/// The same scene with every hard event added (fire, tamper, abandoned and removed objects,
/// person down, crowd movement, projectile).
let hardScene: Scene = {
    var s = benchScene
    s.rules += [
        RuleConfiguration(id: "fire", kind: .fire), RuleConfiguration(id: "tamper", kind: .tamper),
        RuleConfiguration(id: "bag", kind: .abandonedObject, zone: "platform"),
        RuleConfiguration(id: "gone", kind: .objectRemoved, zone: "platform"),
        RuleConfiguration(id: "down", kind: .personDown), RuleConfiguration(id: "panic", kind: .crowdMovement, zone: "platform"),
        RuleConfiguration(id: "thrown", kind: .projectile, zone: "track"),
    ]
    return s
}()

/// Frames of a JPEG folder decoded into memory, timestamps at `fps`.
func loadFrames(_ folder: String, max: Int, fps: Double = 10) throws -> (frames: [Frame], jpegs: [[UInt8]]) {
    let files = jpegFiles([folder]).prefix(max)
    var frames: [Frame] = []
    var jpegs: [[UInt8]] = []
    for (i, file) in files.enumerated() {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
        var frame = try JPEGCodec.decode(bytes, format: .ycbcr420)
        frame.timestamp = Timestamp(frameIndex: i, framesPerSecond: fps)
        frame.number = i + 1
        frames.append(frame)
        jpegs.append(bytes)
    }
    guard frames.count >= 50 else { throw CocoaError(.fileReadCorruptFile) }
    return (frames, jpegs)
}

/// Seconds per frame of a fresh pipeline over `frames` (after a first pass to warm the model).
func pipelineSeconds(_ frames: [Frame], scene: Scene = benchScene, decode jpegs: [[UInt8]]? = nil) throws -> Double {
    var pipeline = ScenePipeline(scene: scene, streamStart: Date(timeIntervalSince1970: 0))
    let decoder = JPEGDecoder()
    var decoded: Frame?
    let span = frames[frames.count - 1].timestamp.seconds + 0.1
    var events = 0
    for f in frames { events += try pipeline.process(f).count }
    let start = now()
    for (i, f) in frames.enumerated() {
        let time = Timestamp(seconds: f.timestamp.seconds + span)
        if let jpegs {
            try decoder.decode(jpegs[i], into: &decoded, format: .ycbcr420, timestamp: time, number: f.number)
            events += try pipeline.process(decoded!).count
        } else {
            var frame = f
            frame.timestamp = time
            events += try pipeline.process(frame).count
        }
    }
    let elapsed = now() - start
    _ = events
    return elapsed / Double(frames.count)
}

func benchStreams(_ arguments: [String]) throws {
    guard let folder = arguments.first else { throw CocoaError(.fileNoSuchFile) }
    let (frames, jpegs) = try loadFrames(folder, max: 300)
    let w = frames[0].width, h = frames[0].height
    let memory = try pipelineSeconds(frames)
    let fromJPEG = try pipelineSeconds(frames, decode: jpegs)
    print(String(format: "%dx%d, %d frames, one core: %.2f ms/frame in memory → %.1f streams at 10 fps; "
                 + "%.2f ms/frame from JPEG → %.1f streams", w, h, frames.count, memory * 1e3, 0.1 / memory,
                 fromJPEG * 1e3, 0.1 / fromJPEG))
    // 1 → 2 cores: one pipeline per thread, each over its own copy of the frames.
    for threads in [1, 2] {
        let group = DispatchGroup()
        let results = Results()
        let start = now()
        for _ in 0..<threads {
            group.enter()
            Thread.detachNewThread {
                results.append((try? pipelineSeconds(frames, decode: jpegs)) ?? .nan)
                group.leave()
            }
        }
        group.wait()
        let perFrame = results.values
        let wall = now() - start
        let throughput = Double(threads * frames.count * 2) / wall  // two passes each
        print(String(format: "%d thread(s), from JPEG: %.0f frames/s in all → %.1f streams at 10 fps (%.2f ms/frame per thread)",
                     threads, throughput, throughput / 10, perFrame.reduce(0, +) / Double(threads) * 1e3))
    }
}

func benchPipeline(_ arguments: [String], json: Bool) throws {
    guard let folder = arguments.first else { throw CocoaError(.fileNoSuchFile) }
    let max = arguments.firstIndex(of: "--max-frames").flatMap { Int(arguments[$0 + 1]) } ?? 100
    let (frames, _) = try loadFrames(folder, max: max)
    let seconds = try pipelineSeconds(frames)
    let mp = Double(frames[0].width * frames[0].height) / 1e6
    if json {
        print(#"{"tool": "vigie", "model": "pipeline", "width": \#(frames[0].width), "height": \#(frames[0].height), "frames": \#(frames.count), "mps": \#(mp / seconds), "ms_per_frame": \#(seconds * 1e3)}"#)
    } else {
        print(String(format: "ScenePipeline %dx%d (%d frames in memory): %.1f ms/frame, %.1f fps per core, %.1f MP/s",
                     frames[0].width, frames[0].height, frames.count, seconds * 1e3, 1 / seconds, mp / seconds))
    }
}

func benchHardEvents(_ arguments: [String]) throws {
    guard let path = arguments.first else { throw CocoaError(.fileNoSuchFile) }
    var source = try Y4MSource(path: path)
    let frames = try framesInMemory(&source, max: 300)
    guard frames.count >= 100 else { throw CocoaError(.fileReadCorruptFile) }
    let perKind = arguments.contains("--per-kind")
    let rounds = arguments.firstIndex(of: "--rounds").flatMap { Int(arguments[$0 + 1]) } ?? 6
    // The configurations, each a stateful step timed per frame.
    let kinds: [[EventKind]] = [[.fire], [.tamper], [.abandonedObject, .objectRemoved], [.personDown, .crowdMovement, .projectile]]
    var names = ["motion stage", "zone rules", "every rule"]
    var steps: [(Frame) throws -> Void] = []
    var motion = MotionPipeline(model: AdaptiveBackground())
    steps.append { _ = try motion.process($0) }
    var scenes = [benchScene, hardScene]
    if perKind {
        for group in kinds {
            var scene = benchScene
            scene.rules += hardScene.rules.filter { group.contains($0.kind) }
            scenes.append(scene)
            names.append("zone rules + " + group.map(\.rawValue).joined(separator: "+"))
        }
    }
    var pipelines = scenes.map { ScenePipeline(scene: $0, streamStart: Date(timeIntervalSince1970: 0)) }
    for k in pipelines.indices { steps.append { _ = try pipelines[k].process($0) } }
    // The clip plays forwards, backwards, forwards… with time going on (no cut of the view, which
    // the tamper rule would rightly hold on). Every frame goes through every configuration, in an
    // order that rotates from frame to frame, each timed on its own: machine noise (another
    // process, frequency changes) hits all of them alike, so their differences are steady.
    var replay = PingPongReplay(frames)
    for f in replay.nextPass() { for step in steps { try step(f) } }  // warm-up
    var totals = [[Double]](repeating: [], count: steps.count)
    for _ in 0..<rounds {
        var elapsed = [Double](repeating: 0, count: steps.count)
        let pass = replay.nextPass()
        for (n, f) in pass.enumerated() {
            for k in 0..<steps.count {
                let index = (k + n) % steps.count
                let start = now()
                try steps[index](f)
                elapsed[index] += now() - start
            }
        }
        for k in steps.indices { totals[k].append(elapsed[k] / Double(pass.count)) }
    }
    // Per configuration: the median over rounds of its per-frame time; the added cost of a
    // configuration is the median over rounds of its difference with the zone rules.
    func median(_ values: [Double]) -> Double {
        let s = values.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
    let motionTime = median(totals[0])
    func added(_ k: Int) -> (ms: Double, percent: Double, low: Double, high: Double) {
        let differences = zip(totals[k], totals[1]).map { $0 - $1 }
        let ratios = zip(differences, totals[0]).map { $0 / $1 * 100 }
        return (median(differences) * 1e3, median(ratios), ratios.min()!, ratios.max()!)
    }
    if perKind {
        // Each analyser alone on the same frames (no mask), best of 5.
        let analysers: [(String, () -> SceneAnalysers)] = [
            ("fire analyser", { SceneAnalysers(fire: FireDetector()) }),
            ("tamper analyser", { SceneAnalysers(tamper: TamperDetector()) }),
            ("static-object analyser", { SceneAnalysers(staticObjects: StaticObjectDetector()) }),
        ]
        for (name, make) in analysers {
            var bestTime = Double.infinity
            for _ in 0..<5 {
                var a = make()
                let start = now()
                for f in frames { _ = try a.process(f, foreground: nil, globalChange: false) }
                bestTime = min(bestTime, (now() - start) / Double(frames.count))
            }
            print(String(format: "  %@ alone: %.3f ms/frame = %.1f %% of the motion stage", name, bestTime * 1e3,
                         bestTime / motionTime * 100))
        }
        for k in 3..<steps.count {
            let a = added(k)
            print(String(format: "  %@: +%.3f ms = %.1f %% of the motion stage (rounds %.1f…%.1f %%)", names[k], a.ms, a.percent,
                         a.low, a.high))
        }
    }
    let a = added(2)
    print(String(format: "%dx%d, %d frames x %d rounds, interleaved per frame, medians: motion stage %.2f ms; whole chain with "
                 + "the zone rules %.2f ms; with every hard event too %.2f ms: the hard events add %.3f ms = %.1f %% of the "
                 + "motion stage (rounds %.1f…%.1f %%)",
                 frames[0].width, frames[0].height, frames.count, rounds, motionTime * 1e3, median(totals[1]) * 1e3,
                 median(totals[2]) * 1e3, a.ms, a.percent, a.low, a.high))
}

/// Per-thread results, appended under a lock.
final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [Double] = []
    func append(_ value: Double) { lock.lock(); stored.append(value); lock.unlock() }
    var values: [Double] { lock.lock(); defer { lock.unlock() }; return stored }
}

/// `vigie-bench tracking-cost FRAMES_DIR [--max-frames N]`: the motion and tracking stages
/// (`TrackingPipeline`, adaptive model) per frame on frames in memory, with ghost dissolution on
/// and off (best of three alternating passes each), and the ghosts dissolved.
func benchTrackingCost(_ arguments: [String]) throws {
    guard let folder = arguments.first else { throw CocoaError(.fileNoSuchFile) }
    let max = arguments.firstIndex(of: "--max-frames").flatMap { Int(arguments[$0 + 1]) } ?? 300
    let (frames, _) = try loadFrames(folder, max: max, fps: 25)
    var best = [true: Double.infinity, false: Double.infinity]
    var dissolved = 0
    for _ in 0..<3 {
        for on in [false, true] {
            var pipeline = TrackingPipeline(model: AdaptiveBackground(), minimumBlobArea: .frameDividedBy(2000, atLeast: 4))
            pipeline.dissolvesGhosts = on
            let start = now()
            for f in frames { _ = try pipeline.process(f) }
            best[on] = min(best[on]!, (now() - start) / Double(frames.count) * 1e3)
            if on { dissolved = pipeline.dissolvedGhosts }
        }
    }
    print(String(format: "TrackingPipeline %dx%d (%d frames): %.3f ms/frame without ghost dissolution, %.3f ms/frame with (%+.1f %%), %d ghosts dissolved",
                 frames[0].width, frames[0].height, frames.count, best[false]!, best[true]!,
                 (best[true]! / best[false]! - 1) * 100, dissolved))
}

/// `vigie-bench person-detector FRAMES_DIR MODEL [--max-frames N]`: the HOG person detector's
/// time per frame (best of three passes), beside the motion stage on the same frames. Compare with
/// `Benchmarks/opencv/hog_speed.py FRAMES_DIR` (OpenCV's HOG with the same settings, one thread).
func benchPersonDetector(_ arguments: [String]) throws {
    guard arguments.count >= 2 else { throw CocoaError(.fileNoSuchFile) }
    let max = arguments.firstIndex(of: "--max-frames").flatMap { Int(arguments[$0 + 1]) } ?? 100
    let (frames, _) = try loadFrames(arguments[0], max: max, fps: 25)
    let model = try HOGPersonModel(contentsOf: arguments[1])
    var detectorBest = Double.infinity, motionBest = Double.infinity
    var people = 0
    for _ in 0..<3 {
        var detector = HOGPersonDetector(model: model)
        people = 0
        var start = now()
        for f in frames { people += detector.detect(f).count }
        detectorBest = min(detectorBest, (now() - start) / Double(frames.count) * 1e3)
        var motion = MotionPipeline(model: AdaptiveBackground())
        start = now()
        for f in frames { _ = try motion.process(f) }
        motionBest = min(motionBest, (now() - start) / Double(frames.count) * 1e3)
    }
    print(String(format: "HOGPersonDetector %dx%d (%d frames, %d people found): %.1f ms/frame; motion stage %.2f ms/frame",
                 frames[0].width, frames[0].height, frames.count, people, detectorBest, motionBest))
}
