// Cameras per core for the whole `vigie run` chain (issue 16):
//   vigie-bench cameras FRAMES_DIR [--scene FILE] [--frames N] [--cameras 1,2,4,8] [--widths 1920,960]
//
// Each camera: JPEG decode (at the analysis size, DCT scaling) of frames held in memory as
// encoded bytes, the scene's ScenePipeline (background model, cleanup, blobs, tracker, every rule
// of the scene: Examples/scenes/platform.json by default), the anonymiser following every frame
// and, once a second of stream time, a preview as `vigie serve` makes it (anonymiser, overlay,
// JPEG encode at quality 80). The frames
// are played forwards then backwards (no cut of the view) with timestamps at 25 fps. N cameras
// run on N threads in one process, each with its own chain and decoder.
import Foundation
import Vigie

/// Resident memory of this process, bytes (`/proc/self/statm`).
func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

/// CPU time of the calling thread, seconds (`CLOCK_THREAD_CPUTIME_ID`): what a camera costs
/// whatever else the machine runs.
func threadCPUSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

/// One camera's chain: decoder, pipeline, anonymiser and overlay for its previews.
struct BenchCamera {
    let decoder = JPEGDecoder()
    var frame: Frame?
    var pipeline: ScenePipeline
    var anonymiser: Anonymiser
    var overlay: Overlay
    let scale: DCTScale
    var nextPreview = 0.0
    var events = 0
    var previews = 0

    init(scene: Scene, scale: DCTScale) {
        pipeline = ScenePipeline(scene: scene, streamStart: Date(timeIntervalSince1970: 0))
        anonymiser = Anonymiser(privacyMasks: scene.privacyMasks)
        overlay = Overlay(zones: scene.zones, lines: scene.lines)
        self.scale = scale
    }

    /// Frame `index` of the ping-pong over `jpegs`, at 25 fps.
    mutating func step(_ jpegs: [[UInt8]], index: Int) throws {
        let n = jpegs.count
        let cycle = index % (2 * n)
        let bytes = jpegs[cycle < n ? cycle : 2 * n - 1 - cycle]
        let time = Double(index) / 25
        try decoder.decode(bytes, into: &frame, format: .ycbcr420, scale: scale, timestamp: Timestamp(seconds: time),
                           number: index + 1)
        let (found, foreground) = try pipeline.processKeepingMask(frame!)
        events += found.count
        let input = AnonymiserInput(frame: frame!, foreground: foreground, tracks: pipeline.tracks,
                                    model: pipeline.motion.model)
        if time < nextPreview {
            try anonymiser.observe(input)
        } else {
            nextPreview = time + 1
            let image = try anonymiser.process(input)
            overlay.tracks = pipeline.tracks
            previews += try JPEGCodec.encode(image.drawing(overlay), quality: 80).isEmpty ? 0 : 1
        }
    }
}

func benchCameras(_ arguments: [String]) throws {
    guard let folder = arguments.first else { throw CocoaError(.fileNoSuchFile) }
    func option(_ name: String) -> String? { arguments.firstIndex(of: name).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil } }
    let scenePath = option("--scene") ?? "Examples/scenes/platform.json"
    let scene = try Scene(contentsOf: URL(fileURLWithPath: scenePath))
    let frameCount = option("--frames").flatMap(Int.init) ?? 250
    let counts = (option("--cameras") ?? "1,2,4,8").split(separator: ",").compactMap { Int($0) }
    let widths = (option("--widths") ?? "1920,\(Scene.defaultAnalysisMaxWidth)").split(separator: ",").compactMap { Int($0) }
    let files = jpegFiles([folder]).prefix(100)
    let jpegs = try files.map { [UInt8](try Data(contentsOf: URL(fileURLWithPath: $0))) }
    guard let first = jpegs.first else { throw CocoaError(.fileReadCorruptFile) }
    let info = try JPEGCodec.info(of: first)
    let cores = ProcessInfo.processInfo.activeProcessorCount
    print("cameras: \(info.width)x\(info.height) JPEG (\(jpegs.count) images in memory, played forwards and backwards), "
          + "\(frameCount) frames per camera at 25 fps, scene \(scene.cameraID) (\(scene.rules.count) rules), "
          + "one preview a second; \(cores) cores")
    print("| analysis size | cameras (threads) | wall s | frames/s in all | wall ms per frame per camera | CPU ms per frame | cameras per core from CPU time | 1080p cameras at 25 fps (wall) | per core (wall) | x one camera | RSS MB per camera |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for maxWidth in widths {
        let scale = DCTScale.fitting(width: info.width, maxWidth: maxWidth)
        let size = scale.scaledSize(width: info.width, height: info.height)
        var single: Double?
        for n in counts {
            let before = residentBytes()
            let results = Results()
            let cpu = Results()
            let memory = Results()
            let group = DispatchGroup()
            let start = now()
            for _ in 0..<n {
                group.enter()
                Thread.detachNewThread {
                    var camera = BenchCamera(scene: scene, scale: scale)
                    let began = now(), beganCPU = threadCPUSeconds()
                    do {
                        for i in 0..<frameCount { try camera.step(jpegs, index: i) }
                        results.append(now() - began)
                        cpu.append(threadCPUSeconds() - beganCPU)
                    } catch {
                        FileHandle.standardError.write(Data("camera failed: \(error)\n".utf8))
                        results.append(.nan)
                    }
                    memory.append(Double(residentBytes()))
                    group.leave()
                }
            }
            group.wait()
            let wall = now() - start
            let throughput = Double(n * frameCount) / wall
            let perFrame = results.values.reduce(0, +) / Double(n) / Double(frameCount)
            let cpuPerFrame = cpu.values.reduce(0, +) / Double(n) / Double(frameCount)
            if n == counts.first { single = throughput / Double(n) }
            let cameras = throughput / 25
            let peak = memory.values.max() ?? Double(before)
            print(String(format: "| %dx%d | %d | %.2f | %.1f | %.2f | %.2f | %.1f | %.1f | %.1f | %.2f | %.0f |", size.width, size.height,
                         n, wall, throughput, perFrame * 1e3, cpuPerFrame * 1e3, 1 / (cpuPerFrame * 25), cameras,
                         cameras / Double(min(n, cores)),
                         throughput / (single ?? throughput), (peak - Double(before)) / Double(n) / 1e6))
        }
    }
}
