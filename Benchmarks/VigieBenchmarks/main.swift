// vigie-bench: speed figures for Documentation/Performance.md. Single-threaded; inputs are
// loaded into memory first and only the work itself is timed. Prints a table, or JSON lines
// with --json (the OpenCV side prints the same keys, see Benchmarks/opencv).
import Foundation
import Vigie
import VigieKernels

func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

/// Runs `body` over and over for about `seconds`, returns (calls, elapsed).
func timeRepeated(seconds: Double, _ body: () throws -> Void) rethrows -> (Int, Double) {
    try body()  // warm up
    var calls = 0
    let start = now()
    var elapsed = 0.0
    repeat {
        try body()
        calls += 1
        elapsed = now() - start
    } while elapsed < seconds
    return (calls, elapsed)
}

/// A clip replayed as one continuous stream for steady-state measures: forwards, backwards,
/// forwards…, timestamps going on at the clip's frame interval. A pass never starts with a cut of
/// the view (a jump from the last frame to the first, which the tamper rule rightly reports and
/// after which the tracker starts afresh), and time never goes back. Each pass after the first
/// leaves out its turning frame (the previous pass's last).
struct PingPongReplay {
    let frames: [Frame]
    let interval: Double
    private var tick = 0
    private var passes = 0

    init(_ frames: [Frame]) {
        self.frames = frames
        interval = frames.count > 1
            ? (frames[frames.count - 1].timestamp.seconds - frames[0].timestamp.seconds) / Double(frames.count - 1) : 0.04
    }

    /// The next pass, retimed.
    mutating func nextPass() -> [Frame] {
        let order = passes % 2 == 0 ? Array(frames) : frames.reversed()
        let pass = passes == 0 ? order[...] : order.dropFirst()
        passes += 1
        return pass.map { f in
            var g = f
            g.timestamp = Timestamp(seconds: Double(tick) * interval)
            tick += 1
            return g
        }
    }
}

/// Up to `max` frames of `source`, each in its own storage (a source may reuse its buffer), so
/// that timed or counted passes over them never copy.
func framesInMemory(_ source: inout some FrameSource, max: Int = .max) throws -> [Frame] {
    var frames: [Frame] = []
    while frames.count < max, let f = try source.next() {
        var g = Frame(width: f.width, height: f.height, format: f.format, timestamp: f.timestamp, number: f.number)
        g.luma.withMutableView { d in f.luma.withView { s in copyPixels(s, into: d) } }
        if let cb = f.cb, let cr = f.cr {
            g.cb!.withMutableView { d in cb.withView { s in copyPixels(s, into: d) } }
            g.cr!.withMutableView { d in cr.withView { s in copyPixels(s, into: d) } }
        }
        frames.append(g)
    }
    return frames
}

func jpegFiles(_ arguments: [String]) -> [String] {
    arguments.flatMap { path -> [String] in
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { return [] }
        if !isDir.boolValue { return [path] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.filter { $0.lowercased().hasSuffix(".jpg") }.sorted().map { path + "/" + $0 }
    }
}

func benchJPEG(_ arguments: [String], json: Bool, seconds: Double) throws {
    let files = jpegFiles(arguments)
    guard !files.isEmpty else { throw CocoaError(.fileNoSuchFile) }
    let images = try files.map { try [UInt8](Data(contentsOf: URL(fileURLWithPath: $0))) }
    let info = try JPEGCodec.info(of: images[0])
    let modes: [(String, PixelFormat, DCTScale)] = [
        ("ycbcr420", .ycbcr420, .full), ("luma", .luma, .full),
        ("ycbcr420-quarter", .ycbcr420, .quarter), ("luma-quarter", .luma, .quarter),
        ("ycbcr420-eighth", .ycbcr420, .eighth),
    ]
    for (name, format, scale) in modes {
        var frame: Frame? = nil
        let decoder = JPEGDecoder()
        var index = 0
        let (calls, elapsed) = try timeRepeated(seconds: seconds) {
            try decoder.decode(images[index % images.count], into: &frame, format: format, scale: scale)
            index += 1
        }
        let mpix = Double(calls * info.width * info.height) / 1e6 / elapsed
        let ms = elapsed / Double(calls) * 1000
        if json {
            print(#"{"tool":"vigie","mode":"\#(name)","width":\#(info.width),"height":\#(info.height),"images":\#(images.count),"mpix_per_s":\#(round(mpix * 10) / 10),"ms_per_image":\#(round(ms * 1000) / 1000)}"#)
        } else {
            let label = name.padding(toLength: 18, withPad: " ", startingAt: 0)
            print(label + String(format: " %5dx%-5d %8.1f MP/s %8.3f ms/image", info.width, info.height, mpix, ms))
        }
    }
}

/// Background models on in-memory frames: speed (process() only, cleanup included) and, for a
/// CDnet sequence, the CDnet scores.
func benchBackground(_ arguments: [String], json: Bool) throws {
    let framesOnly = arguments.contains("--frames-dir")
    let pathIndex = framesOnly ? arguments.firstIndex(of: "--frames-dir")! + 1 : 0
    guard pathIndex < arguments.count else { throw CocoaError(.fileNoSuchFile) }
    let path = arguments[pathIndex]
    var maxFrames = Int.max
    if let i = arguments.firstIndex(of: "--max-frames"), i + 1 < arguments.count { maxFrames = Int(arguments[i + 1]) ?? maxFrames }
    let sequence: CDnetSequence? = framesOnly ? nil : try CDnetSequence(path: path)
    var source = try JPEGFolderSource(path: sequence?.inputFolder ?? path)
    let frames = try framesInMemory(&source, max: maxFrames)
    let (w, h) = (frames[0].width, frames[0].height)
    var kinds = BackgroundModelKind.allCases
    if let i = arguments.firstIndex(of: "--model"), i + 1 < arguments.count {
        guard let kind = BackgroundModelKind(rawValue: arguments[i + 1]) else { throw CocoaError(.featureUnsupported) }
        kinds = [kind]
    }
    if arguments.contains("--steady") {
        try benchBackgroundSteady(frames, kinds: kinds, json: json)
        return
    }
    for kind in kinds {
        for (suffix, cleanup) in timedCleanups {
            // Best of three full passes, each with a fresh model (the first also warms the caches).
            var masks: [Mask] = []
            var elapsed = Double.infinity
            for pass in 0..<3 {
                var pipeline = MotionPipeline(model: kind.makeModel(), cleanup: cleanup)
                var kept: [Mask] = []
                kept.reserveCapacity(sequence == nil ? 0 : frames.count)
                let start = now()
                for frame in frames {
                    let mask = try pipeline.process(frame)
                    if pass == 0, let sequence, sequence.temporalROI.contains(frame.number) { kept.append(mask.copied()) }
                }
                elapsed = min(elapsed, now() - start)
                if pass == 0 { masks = kept }
            }
            var scores = CDnetScores()
            if let sequence {
                var i = 0
                for frame in frames where sequence.temporalROI.contains(frame.number) {
                    try scores.accumulate(mask: masks[i], groundTruth: try sequence.groundTruth(frame: frame.number), roi: sequence.roi)
                    i += 1
                }
            }
            let mpix = Double(frames.count * w * h) / 1e6 / elapsed
            let ms = elapsed / Double(frames.count) * 1000
            let name = kind.rawValue + suffix
            if json {
                var line = #"{"tool":"vigie","model":"\#(name)","width":\#(w),"height":\#(h),"frames":\#(frames.count),"mpix_per_s":\#(round(mpix * 10) / 10),"ms_per_frame":\#(round(ms * 1000) / 1000)"#
                if sequence != nil { line += "," + scores.jsonLine.dropFirst() } else { line += "}" }
                print(line)
            } else {
                let label = name.padding(toLength: 24, withPad: " ", startingAt: 0)
                let f = sequence == nil ? "     -" : String(format: "%.4f", scores.fMeasure)
                print(label + String(format: " %5dx%-5d F %@ %8.1f MP/s %8.3f ms/frame", w, h, f, mpix, ms))
            }
        }
    }
}

/// Each model is timed twice: with the standard cleanup (what `vigie motion` and the quality
/// figures use) and alone (its raw mask, like OpenCV's models, which have no cleanup).
let timedCleanups: [(suffix: String, cleanup: MaskCleanup)] = [
    ("", MotionPipeline.standardCleanup), (" model only", MotionPipeline.CleanupPreset.none.cleanup),
]

/// Steady state: each model learns the frames in one untimed pass (start-up learning, first-frame
/// set-up), then the frames are timed backwards and forwards on the same model with time going on
/// (no cut of the view); best of three timed passes. What a camera that has run for a while costs.
func benchBackgroundSteady(_ frames: [Frame], kinds: [BackgroundModelKind], json: Bool) throws {
    let (w, h) = (frames[0].width, frames[0].height)
    for kind in kinds {
        for (suffix, cleanup) in timedCleanups {
            var pipeline = MotionPipeline(model: kind.makeModel(), cleanup: cleanup)
            var replay = PingPongReplay(frames)
            for frame in replay.nextPass() { _ = try pipeline.process(frame) }
            var elapsed = Double.infinity, timed = 0  // every pass after the first has the same length
            for _ in 0..<3 {
                let pass = replay.nextPass()
                let start = now()
                for frame in pass { _ = try pipeline.process(frame) }
                elapsed = min(elapsed, now() - start)
                timed = pass.count
            }
            let mpix = Double(timed * w * h) / 1e6 / elapsed
            let ms = elapsed / Double(timed) * 1000
            let name = kind.rawValue + suffix
            if json {
                print(#"{"tool":"vigie","model":"\#(name)","width":\#(w),"height":\#(h),"frames":\#(timed),"steady":true,"mpix_per_s":\#(round(mpix * 10) / 10),"ms_per_frame":\#(round(ms * 1000) / 1000)}"#)
            } else {
                let label = name.padding(toLength: 24, withPad: " ", startingAt: 0)
                print(label + String(format: " %5dx%-5d steady %8.1f MP/s %8.3f ms/frame", w, h, mpix, ms))
            }
        }
    }
}

/// Mask cleanup chains alone, on the raw masks of the sigma-delta model (computed first, not
/// timed). Each mask is copied just before its cleanup, so it is in the cache as it is in the
/// pipeline (the model has just written it); each cleanup call is timed alone, and the figure
/// is the sum over the masks of each mask's best time over five passes, in ms per mask: a
/// figure that other processes on a busy machine disturb little.
func benchCleanup(_ arguments: [String], json: Bool) throws {
    guard let path = arguments.first else { throw CocoaError(.fileNoSuchFile) }
    var maxFrames = Int.max
    if let i = arguments.firstIndex(of: "--max-frames"), i + 1 < arguments.count { maxFrames = Int(arguments[i + 1]) ?? maxFrames }
    let folder = FileManager.default.fileExists(atPath: path + "/input") ? path + "/input" : path
    var source = try JPEGFolderSource(path: folder)
    var model = BackgroundModelKind.sigmaDelta.makeModel()
    var masks: [Mask] = []
    while masks.count < maxFrames, let f = try source.next() { masks.append(try model.process(f).copied()) }
    let (w, h) = (masks[0].width, masks[0].height)
    let chains: [(String, MaskCleanup)] = [
        ("median", MaskCleanup(median: true)),
        ("median+close3", MaskCleanup(median: true, closing: 3)),
        ("median+close3+fill", MaskCleanup(median: true, closing: 3, fillHoles: true)),
        ("standard", MotionPipeline.standardCleanup),
        ("median+open1+close2+fill+area", MaskCleanup(median: true, opening: 1, closing: 2, fillHoles: true,
                                                      minimumRegionArea: 15)),
    ]
    for (name, chain) in chains {
        var best = [Double](repeating: .infinity, count: masks.count)
        var cleanup = chain
        for _ in 0..<5 {
            for (i, mask) in masks.enumerated() {
                let hot = mask.copied()
                let start = now()
                let width = try cleanup.process(hot).width
                best[i] = min(best[i], now() - start)
                precondition(width == w)
            }
        }
        let elapsed = best.reduce(0, +)
        let ms = elapsed / Double(masks.count) * 1000
        if json {
            print(#"{"tool":"vigie","cleanup":"\#(name)","width":\#(w),"height":\#(h),"frames":\#(masks.count),"ms_per_frame":\#(round(ms * 10000) / 10000)}"#)
        } else {
            print(name.padding(toLength: 30, withPad: " ", startingAt: 0) + String(format: " %5dx%-5d %8.4f ms/mask", w, h, ms))
        }
    }
}

/// Heap allocations per frame in steady state, read from the LD_PRELOAD counter of
/// Benchmarks/alloc-counter (see Benchmarks/count-allocations.sh).
func benchAllocations(_ arguments: [String]) throws {
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "vigie_allocation_count") else {
        FileHandle.standardError.write(Data("vigie-bench: run through Benchmarks/count-allocations.sh (LD_PRELOAD counter)\n".utf8))
        exit(1)
    }
    let counter = symbol.assumingMemoryBound(to: UInt.self)
    guard let path = arguments.first else { throw CocoaError(.fileNoSuchFile) }
    var source = try JPEGFolderSource(path: path)
    let frames = try framesInMemory(&source, max: 300)
    guard frames.count > 100 else { throw CocoaError(.fileReadCorruptFile) }
    // The clip is played forwards, backwards, then forwards again, with timestamps going on: the
    // first two passes let every buffer grow to the busiest frame of the clip, the third is
    // counted (the true per-frame cost in steady state). Backwards, not from the start again: a
    // jump from the last frame to the first is a cut of the view, which the tamper rule rightly
    // reports (and the tracker then starts afresh).
    var passes = PingPongReplay(frames)
    let warmUp = passes.nextPass() + passes.nextPass()
    let replay = passes.nextPass()
    let only = arguments.firstIndex(of: "--only").flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
    // With VIGIE_ALLOCATION_TRACE in the environment, every counted allocation prints its stack.
    let trace = ProcessInfo.processInfo.environment["VIGIE_ALLOCATION_TRACE"] != nil
        ? dlsym(UnsafeMutableRawPointer(bitPattern: 0), "vigie_allocation_trace")?.assumingMemoryBound(to: Int32.self) : nil
    func counting<T>(_ body: () throws -> T) rethrows -> (T, UInt) {
        let before = counter.pointee
        trace?.pointee = 1
        defer { trace?.pointee = 0 }
        let result = try body()
        return (result, counter.pointee - before)
    }
    for kind in BackgroundModelKind.allCases where only.map({ kind.rawValue.contains($0) }) ?? true {
        var pipeline = MotionPipeline(model: kind.makeModel())
        var blobs = BlobExtraction(minimumArea: 15)
        var found = 0
        for frame in warmUp { found &+= blobs.process(try pipeline.process(frame)).count }
        let (_, count) = try counting {
            for frame in replay { found &+= blobs.process(try pipeline.process(frame)).count }
        }
        print("\(kind.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)) model + cleanup + blobs: "
              + "\(count) allocations in \(replay.count) steady-state frames"
              + " (blob extraction included, \(found) blobs)")
    }
    // The whole chain (tracker and the zone rules of `benchScene`), and with every hard event.
    var scenes: [(String, Scene)] = [("no rules", Scene(cameraID: "bench")), ("zone rules", benchScene)]
    for kinds in [[EventKind.fire], [.tamper], [.abandonedObject, .objectRemoved], [.personDown, .crowdMovement, .projectile]] {
        var scene = benchScene
        scene.rules += hardScene.rules.filter { kinds.contains($0.kind) }
        scenes.append(("zone rules + " + kinds.map(\.rawValue).joined(separator: "+"), scene))
    }
    scenes.append(("all rules", hardScene))
    for (name, make) in [("tamper analyser", { SceneAnalysers(tamper: TamperDetector()) }),
                         ("static-object analyser", { SceneAnalysers(staticObjects: StaticObjectDetector()) }),
                         ("fire analyser", { SceneAnalysers(fire: FireDetector()) })] as [(String, () -> SceneAnalysers)]
        where only.map({ name.contains($0) }) ?? true {
        var analysers = make()
        for frame in warmUp { _ = try analysers.process(frame, foreground: nil, globalChange: false) }
        let (_, count) = try counting {
            for frame in replay { _ = try analysers.process(frame, foreground: nil, globalChange: false) }
        }
        print("\(name) alone: \(count) allocations in \(replay.count) steady-state frames")
    }
    for (name, scene) in scenes where only.map({ name.contains($0) }) ?? true {
        var pipeline = ScenePipeline(scene: scene, streamStart: Date(timeIntervalSince1970: 0))
        for frame in warmUp { _ = try pipeline.process(frame) }
        var busy = 0
        let (events, count) = try counting { () throws -> Int in
            var events = 0
            for frame in replay {
                events += try pipeline.process(frame).count
                busy += pipeline.tracks.isEmpty ? 0 : 1
            }
            return events
        }
        print("ScenePipeline, \(name): \(count) allocations in \(replay.count) steady-state frames "
              + "(\(busy) frames with live tracks, \(events) events raised in them)")
    }
}

/// Tracking scored with MOT metrics on the simulator's ground truth: a 640x360 scene, 10 fps,
/// people crossing, meeting and standing, the whole chain (background, cleanup, blobs, tracker);
/// `dump`: a path prefix where the ground truth and the confirmed tracks are written as MOT
/// Challenge files (PREFIX.gt, PREFIX.hyp).
func benchTrackingOnSimulator(json: Bool, splitGroups: Bool, dump: String?) throws {
    var actors: [Actor] = []
    for i in 0..<8 {
        let y = 0.55 + 0.05 * Double(i % 4)
        let start = 2.5 + 1.5 * Double(i)
        let leftToRight = i % 2 == 0
        let (x0, x1) = leftToRight ? (0.03, 0.97) : (0.97, 0.03)
        var path = [Waypoint(start, x0, y), Waypoint(start + 9, x1, y)]
        if i == 3 { path = [Waypoint(start, x0, y), Waypoint(start + 4, 0.5, y), Waypoint(start + 10, 0.5, y), Waypoint(start + 14, x1, y)] }
        actors.append(Actor(id: i + 1, kind: .person, path: path, luma: 45 + 12 * Double(i % 4),
                            chroma: (UInt8(100 + 8 * i), UInt8(160 - 6 * i)), castsShadow: i % 3 == 0))
    }
    actors.append(Actor(id: 20, kind: .vehicle, path: [Waypoint(8, 1.1, 0.42), Waypoint(14, -0.1, 0.42)], height: 0.2))
    let scene = SimulatedScene(width: 640, height: 360, framesPerSecond: 10, duration: 30, seed: 2026, actors: actors)
    var simulator = SceneSimulator(scene)
    var motion = MotionPipeline(model: AdaptiveBackground())
    var blobs = BlobExtraction(minimumArea: 40)
    var trackerConfiguration = Tracker.Configuration()
    if splitGroups {
        blobs.groupSplitting = GroupSplitting()
        trackerConfiguration.groupSplitting = GroupSplitting()
    }
    var tracker = Tracker(trackerConfiguration)
    var truth: [MOTBox] = [], hypotheses: [MOTBox] = []
    var trackerSeconds = 0.0, frames = 0
    while let (frame, gt) = simulator.nextWithTruth() {
        let found = blobs.process(try motion.process(frame))
        let start = now()
        let tracks = try tracker.process(Tracker.Input(timestamp: frame.timestamp, frameWidth: frame.width,
                                                       frameHeight: frame.height, blobs: found))
        trackerSeconds += now() - start
        frames += 1
        guard frame.timestamp.seconds >= 2 else { continue }  // the background model's warm-up
        for o in gt.objects where o.box.width >= 4 && o.box.height >= 8 {
            truth.append(MOTBox(frame: frame.number, id: o.id, left: Double(o.box.x), top: Double(o.box.y),
                                width: Double(o.box.width), height: Double(o.box.height)))
        }
        for t in tracks where t.state == .confirmed {
            hypotheses.append(MOTBox(frame: frame.number, id: t.id, left: Double(t.box.x), top: Double(t.box.y),
                                     width: Double(t.box.width), height: Double(t.box.height)))
        }
    }
    let scores = MOTMetrics.evaluate(groundTruth: truth, hypotheses: hypotheses)
    if let dump {
        try truth.map { MOTChallengeFile.line($0) }.joined(separator: "\n").write(toFile: dump + ".gt", atomically: true, encoding: .utf8)
        try hypotheses.map { MOTChallengeFile.line($0) }.joined(separator: "\n").write(toFile: dump + ".hyp", atomically: true, encoding: .utf8)
    }
    if json { print(scores.jsonLine) } else { print("simulated 640x360, 9 actors, 30 s at 10 fps\n" + scores.table) }
    print(String(format: "tracker alone: %.1f µs per frame (mean over %d frames)", trackerSeconds / Double(frames) * 1e6, frames))
}

/// Tracker cost with 50 live tracks: 50 blobs moving on straight lines at 1280x720.
func benchTracker50() throws {
    var tracker = Tracker()
    var rng = SplitMix64(seed: 50)
    let starts = (0..<50).map { _ in (Double(rng.next() % 1200), Double(100 + rng.next() % 600),
                                      Double(Int(rng.next() % 9) - 4), Double(Int(rng.next() % 5) - 2)) }
    var elapsed = 0.0
    var live = 0
    let frames = 3000
    for f in 0..<frames {
        let blobs = starts.map { s -> Blob in
            let x = (s.0 + s.2 * Double(f)).truncatingRemainder(dividingBy: 1200)
            let y = min(650, max(60, s.1 + s.3 * Double(f % 100)))
            let box = PixelRect(x: Int(abs(x)), y: Int(y) - 60, width: 24, height: 60)
            return Blob(area: 24 * 60, boundingBox: box, centroid: PixelPoint(x: abs(x) + 12, y: y - 30),
                        footPoint: PixelPoint(x: abs(x) + 12, y: y))
        }
        let start = now()
        let tracks = try tracker.process(Tracker.Input(timestamp: Timestamp(frameIndex: f, framesPerSecond: 25),
                                                       frameWidth: 1280, frameHeight: 720, blobs: blobs))
        if f >= 100 { elapsed += now() - start }
        live = tracks.filter { $0.state == .confirmed }.count
    }
    print(String(format: "tracker with 50 blobs (%d confirmed tracks at the end): %.1f µs per frame", live,
                 elapsed / Double(frames - 100) * 1e6))
}

/// Anonymiser cost on a 1920x1080 frame with three people (foreground mask and tracks from the real
/// chain on the simulator), per mode; only `Anonymiser.process` is timed.
func benchAnonymise(seconds: Double, export: String? = nil) throws {
    let scene = SimulatedScene(width: 1920, height: 1080, framesPerSecond: 5, duration: 3.2, seed: 3, actors: [
        Actor(id: 1, kind: .person, path: [Waypoint(0, 0.1, 0.8), Waypoint(3.2, 0.6, 0.8)]),
        Actor(id: 2, kind: .person, path: [Waypoint(0, 0.9, 0.6), Waypoint(3.2, 0.5, 0.65)], height: 0.2),
        Actor(id: 3, kind: .person, path: [Waypoint(0, 0.3, 0.98), Waypoint(3.2, 0.35, 0.5)], height: 0.4),
    ])
    var simulator = SceneSimulator(scene)
    var motion = MotionPipeline(model: AdaptiveBackground())
    var blobs = BlobExtraction(minimumArea: 1920 * 1080 / 2000)
    var tracker = Tracker()
    var last: AnonymiserInput?
    while let frame = try simulator.next() {
        let mask = try motion.process(frame)
        var tracks: [Track] = []
        if motion.model.isWarm {
            tracks = try tracker.process(Tracker.Input(timestamp: frame.timestamp, frameWidth: 1920, frameHeight: 1080,
                                                       blobs: blobs.process(mask)))
        }
        last = AnonymiserInput(frame: frame, foreground: mask.copied(), tracks: tracks, model: motion.model)
    }
    guard let input = last, input.isWarm else { throw CocoaError(.featureUnsupported) }
    if let export {
        // The same regions for the OpenCV comparison (Benchmarks/opencv/anonymise.py): the
        // foreground mask of a synthetic scene and the live track boxes.
        try FileManager.default.createDirectory(atPath: export, withIntermediateDirectories: true)
        try PGMWriter.write(input.foreground, to: export + "/foreground.pgm")
        let boxes = input.tracks.filter { $0.state != .ended }.map { "[\($0.box.x),\($0.box.y),\($0.box.width),\($0.box.height)]" }
        let margin = Anonymiser().margin(forHeight: 1080)
        try Data("{\"margin\":\(margin),\"boxes\":[\(boxes.joined(separator: ","))]}".utf8)
            .write(to: URL(fileURLWithPath: export + "/regions.json"))
    }
    for mode in AnonymisationMode.allCases {
        var configuration = Anonymiser.Configuration()
        configuration.mode = mode
        var anonymiser = Anonymiser(configuration)
        var step = input
        var n = 0
        let (calls, elapsed) = try timeRepeated(seconds: seconds) {
            n += 1
            step.frame.timestamp = Timestamp(seconds: Double(n))
            _ = try anonymiser.process(step)
        }
        let ms = elapsed / Double(calls) * 1e3
        if json {
            print(#"{"tool":"vigie","mode":"\#(mode.rawValue)","ms_per_frame":\#(round(ms * 100) / 100),"mpix_per_s":\#(round(2.0736 / (ms / 1e3) * 10) / 10)}"#)
        } else {
            print(String(format: "anonymise %@ 1920x1080 (%d tracks, foreground %.1f %%): %.2f ms per frame, %.0f MP/s",
                         mode.rawValue, input.tracks.count, input.foreground.coverage * 100, ms, 2.0736 / (ms / 1e3)))
        }
    }
}

var arguments = Array(CommandLine.arguments.dropFirst())
let json = arguments.contains("--json")
arguments.removeAll { $0 == "--json" }
var seconds = 2.0
if let i = arguments.firstIndex(of: "--seconds"), i + 1 < arguments.count {
    seconds = Double(arguments[i + 1]) ?? 2
    arguments.removeSubrange(i...i + 1)
}
guard let command = arguments.first else {
    FileHandle.standardError.write(Data("usage: vigie-bench jpeg FILES_OR_DIRS... [--json] [--seconds S]\n       vigie-bench bgs SEQUENCE_DIR | --frames-dir DIR [--max-frames N] [--steady] [--model NAME] [--json]\n       vigie-bench cleanup SEQUENCE_OR_FRAMES_DIR [--max-frames N] [--json]\n       vigie-bench allocs FRAMES_DIR [--only NAME]  (through Benchmarks/count-allocations.sh)\n       vigie-bench mot-sim [--json] [--split-groups] [--dump PREFIX]  (tracking on the simulator's ground truth; PREFIX.gt, PREFIX.hyp)\n       vigie-bench tracker50           (tracker cost with 50 live tracks)\n       vigie-bench streams FRAMES_DIR  (640x360 streams per core, 1 and 2 threads)\n       vigie-bench cameras FRAMES_DIR [--scene FILE] [--frames N] [--cameras 1,2,4,8] [--widths 1920,960]  (whole vigie run chain: cameras per core)\n       vigie-bench pipeline FRAMES_DIR [--max-frames N] [--json]  (whole chain in memory)\n       vigie-bench tracking-cost FRAMES_DIR [--max-frames N]  (motion + tracking, ghost dissolution on and off)\n       vigie-bench person-detector FRAMES_DIR MODEL [--max-frames N]  (HOG person detector vs motion stage)\n       vigie-bench hard-events Y4M [--per-kind] [--rounds N]  (cost of the hard-event analysers and rules)\n       vigie-bench anonymise [--seconds S] [--export DIR] [--json]  (1080p anonymisation)\n       vigie-bench static-objects Y4M [--max-frames N] [--json]  (abandoned-object analyser vs motion stage)\n       vigie-bench fire Y4M_OR_FRAMES_DIR [--max-frames N] [--json]  (fire analyser vs motion stage)\n       vigie-bench negatives SHARED_DATA [--only CLIP] [--frames DIR]  (false alerts per camera-hour on clips with no hard event)\n       vigie-bench small-bag  (issue 18's small abandoned bag, simulated: what each stage sees)\n       vigie-bench privacy-leaks [HIGHWAY_DIR] [--every N]  (pixel-exact anonymiser leaks, issue 20)\n       vigie-bench anonymiser-cost [--width W --height H] [--json]  (anonymiser vs motion stage, 768x576)\n".utf8))
    exit(64)
}
do {
    switch command {
    case "jpeg": try benchJPEG(Array(arguments.dropFirst()), json: json, seconds: seconds)
    case "bgs": try benchBackground(Array(arguments.dropFirst()), json: json)
    case "cleanup": try benchCleanup(Array(arguments.dropFirst()), json: json)
    case "allocs": try benchAllocations(Array(arguments.dropFirst()))
    case "mot-sim":
    let dump = arguments.firstIndex(of: "--dump").flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
    try benchTrackingOnSimulator(json: json, splitGroups: arguments.contains("--split-groups"), dump: dump)
    case "tracker50": try benchTracker50()
    case "streams": try benchStreams(Array(arguments.dropFirst()))
    case "cameras": try benchCameras(Array(arguments.dropFirst()))
    case "pipeline": try benchPipeline(Array(arguments.dropFirst()), json: json)
    case "tracking-cost": try benchTrackingCost(Array(arguments.dropFirst()))
    case "person-detector": try benchPersonDetector(Array(arguments.dropFirst()))
    case "hard-events": try benchHardEvents(Array(arguments.dropFirst()))
    case "static-objects": try benchStaticObjects(Array(arguments.dropFirst()), json: json)
    case "fire": try benchFire(Array(arguments.dropFirst()), json: json)
    case "negatives": try benchNegatives(Array(arguments.dropFirst()))
    case "small-bag": try benchSmallBag(Array(arguments.dropFirst()))
    case "privacy-leaks": try benchPrivacyLeaks(Array(arguments.dropFirst()))
    case "anonymiser-cost": try benchAnonymiserCost(Array(arguments.dropFirst()), json: json)
    case "anonymise":
        let rest = Array(arguments.dropFirst())
        let export = rest.firstIndex(of: "--export").flatMap { $0 + 1 < rest.count ? rest[$0 + 1] : nil }
        try benchAnonymise(seconds: seconds, export: export)
    default:
        FileHandle.standardError.write(Data("unknown benchmark \(command)\n".utf8))
        exit(64)
    }
} catch {
    FileHandle.standardError.write(Data("vigie-bench: \(error)\n".utf8))
    exit(1)
}
