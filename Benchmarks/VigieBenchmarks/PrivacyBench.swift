import Foundation
import Vigie
import VigieAnonymise
import VigieEvaluation

/// `../shared/data/cdnet/baseline/highway` beside the package.
let defaultHighwayPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/data/cdnet/baseline/highway").path

/// `vigie-bench privacy-leaks [HIGHWAY_DIR]`: the pixel-exact leak table of issue 20 (every case of
/// `PrivacyLeakComposite` through the real chain, default anonymiser). `--every N` has the
/// anonymiser render one frame in N (10 = one a second, `vigie serve`'s preview cadence), following
/// the others (`Anonymiser.observe`) as the service does, and once more seeing nothing between them;
/// the default prints every frame and one a second.
func benchPrivacyLeaks(_ arguments: [String]) throws {
    var arguments = arguments
    var cadences = [1, Int(PrivacyLeakComposite.framesPerSecond)]
    if let i = arguments.firstIndex(of: "--every") {
        guard i + 1 < arguments.count, let n = Int(arguments[i + 1]), n >= 1 else {
            FileHandle.standardError.write(Data("vigie-bench: --every needs a whole number of frames ≥ 1\n".utf8))
            exit(64)
        }
        cadences = [n]
        arguments.removeSubrange(i...(i + 1))
    }
    let path = arguments.first ?? defaultHighwayPath
    guard FileManager.default.fileExists(atPath: path + "/input/in000001.jpg") else {
        FileHandle.standardError.write(Data("vigie-bench: \(path) is absent: the composite needs the CDnet highway frames (../shared/data)\n".utf8))
        exit(66)
    }
    let composite = try PrivacyLeakComposite(highwayPath: path)
    let runs = cadences.flatMap { $0 == 1 ? [($0, true)] : [($0, true), ($0, false)] }
    for (every, observes) in runs {
        print(every == 1 ? "anonymiser on every frame (vigie anonymise)"
              : String(format: "anonymiser rendering one frame in %d (%.1f s apart, as vigie serve's previews), %@",
                       every, Double(every) / PrivacyLeakComposite.framesPerSecond,
                       observes ? "following the others (observe: the service and the report)" : "seeing nothing between"))
        print(PrivacyLeakComposite.header)
        var total = PrivacyLeakComposite.Figures(name: "all")
        for aCase in composite.cases {
            let f = try composite.run(aCase, anonymiseEvery: every, observesBetween: observes)
            print(f)
            total.add(f)
        }
        print(total)
        print(String(format: "all classes: %.4f %% of distinct person pixels leaked\n", total.fraction() * 100))
    }
}

/// `vigie-bench anonymiser-cost [--width W --height H] [--scene from|entering]`: the anonymiser (default silhouette mode)
/// against the motion stage (`MotionPipeline` with `AdaptiveBackground` and the standard cleanup)
/// on the same in-memory frames, simulated at 25 fps with three people walking, in two scenes:
/// `from start` (people in view when the camera starts, so part of the empty scene stays unknown
/// for a while: the anonymiser's start-up regime) and `entering` (people walk in after start-up:
/// the regime of a camera that has been running). The anonymiser's inputs (masks, tracks, flags)
/// come from the real chain beforehand; each stage is timed over whole passes with fresh state, the
/// best of five alternating passes; the anonymiser is also timed on the frames it redacts alone
/// (the others are fail-closed fills).
func benchAnonymiserCost(_ arguments: [String], json: Bool) throws {
    func value(_ name: String, _ fallback: Int) -> Int {
        arguments.firstIndex(of: name).flatMap { $0 + 1 < arguments.count ? Int(arguments[$0 + 1]) : nil } ?? fallback
    }
    let width = value("--width", 768), height = value("--height", 576)
    let scenes = [
        ("from start", SimulatedScene(width: width, height: height, framesPerSecond: 25, duration: 8, seed: 5, actors: [
            Actor(id: 1, kind: .person, path: [Waypoint(0, 0.1, 0.8), Waypoint(8, 0.8, 0.8)], height: 0.35),
            Actor(id: 2, kind: .person, path: [Waypoint(1, 0.9, 0.6), Waypoint(8, 0.4, 0.65)], height: 0.25),
            Actor(id: 3, kind: .person, path: [Waypoint(2, 0.3, 0.98), Waypoint(8, 0.35, 0.5)], height: 0.4),
        ])),
        ("entering", SimulatedScene(width: width, height: height, framesPerSecond: 25, duration: 12, seed: 5, actors: [
            Actor(id: 1, kind: .person, path: [Waypoint(0, -0.3, 0.8), Waypoint(3, -0.1, 0.8), Waypoint(12, 0.8, 0.8)], height: 0.35),
            Actor(id: 2, kind: .person, path: [Waypoint(0, 1.3, 0.6), Waypoint(4, 1.1, 0.6), Waypoint(12, 0.4, 0.65)], height: 0.25),
            Actor(id: 3, kind: .person, path: [Waypoint(0, 0.3, 1.6), Waypoint(5, 0.3, 1.4), Waypoint(12, 0.35, 0.5)], height: 0.4),
        ])),
    ]
    let only = arguments.firstIndex(of: "--scene").flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
    for (name, scene) in scenes where only.map({ name.hasPrefix($0) }) ?? true {
        var simulator = SceneSimulator(scene)
        var frames: [Frame] = []
        while let f = try simulator.next() { frames.append(f) }
        var pipeline = TrackingPipeline(model: AdaptiveBackground(), minimumBlobArea: .frameDividedBy(2000, atLeast: 4))
        var inputs: [AnonymiserInput] = []
        for f in frames {
            let (mask, tracks) = try pipeline.process(f)
            inputs.append(AnonymiserInput(frame: f, foreground: mask.copied(), tracks: tracks ?? [], model: pipeline.motion.model))
        }
        var motion = Double.infinity, anonymiser = Double.infinity, anonymiserWarm = Double.infinity
        var following = Double.infinity, inChain = Double.infinity, deployed = Double.infinity
        var redacted = 0.0
        let warm = inputs.filter { $0.isWarm && !$0.globalChange }.count
        for _ in 0..<5 {
            var start = now()
            var m = MotionPipeline(model: AdaptiveBackground())
            for f in frames { _ = try m.process(f) }
            motion = min(motion, (now() - start) / Double(frames.count) * 1000)
            var a = Anonymiser()
            var sum = 0
            var warmSeconds = 0.0
            start = now()
            for input in inputs {
                let t = now()
                _ = try a.process(input)
                if !a.lastFrameFullyRedacted { warmSeconds += now() - t }
                sum += a.lastFrameFullyRedacted ? 0 : a.lastRedactedPixels
            }
            anonymiser = min(anonymiser, (now() - start) / Double(frames.count) * 1000)
            var o = Anonymiser()
            var observed = 0.0
            for input in inputs {
                let t = now()
                try o.observe(input)
                if !o.lastFrameFullyRedacted { observed += now() - t }
            }
            following = min(following, observed / Double(max(1, warm)) * 1000)
            // In the chain: each frame's mask and tracks just produced, as in `vigie run` and `serve`.
            var chain = TrackingPipeline(model: AdaptiveBackground(), minimumBlobArea: .frameDividedBy(2000, atLeast: 4))
            var c = Anonymiser()
            var chained = 0.0
            for f in frames {
                let (mask, tracks) = try chain.process(f)
                let input = AnonymiserInput(frame: f, foreground: mask, tracks: tracks ?? [], model: chain.motion.model)
                let t = now()
                _ = try c.process(input)
                if !c.lastFrameFullyRedacted { chained += now() - t }
            }
            inChain = min(inChain, chained / Double(max(1, warm)) * 1000)
            // As deployed: each frame just written by the decoder (a fresh copy, in cache), the
            // motion stage timed on it, then the anonymiser on it with the mask and tracks just made.
            var deployedMotion = MotionPipeline(model: AdaptiveBackground())
            var deployedChain = TrackingPipeline(model: AdaptiveBackground(), minimumBlobArea: .frameDividedBy(2000, atLeast: 4))
            var d = Anonymiser()
            var motionSeconds = 0.0, anonymiserSeconds = 0.0
            for f in frames {
                let decoded = freshCopy(f)
                var t = now()
                _ = try deployedMotion.process(decoded)
                motionSeconds += now() - t
                let (mask, tracks) = try deployedChain.process(decoded)
                let input = AnonymiserInput(frame: decoded, foreground: mask, tracks: tracks ?? [], model: deployedChain.motion.model)
                t = now()
                _ = try d.process(input)
                if !d.lastFrameFullyRedacted { anonymiserSeconds += now() - t }
            }
            deployed = min(deployed, (anonymiserSeconds / Double(max(1, warm))) / (motionSeconds / Double(frames.count)) * 100)
            anonymiserWarm = min(anonymiserWarm, warmSeconds / Double(max(1, warm)) * 1000)
            redacted = Double(sum) / Double(max(1, warm) * width * height)
        }
        let share = anonymiser / motion * 100, warmShare = anonymiserWarm / motion * 100
        if json {
            print(#"{"tool":"vigie","bench":"anonymiser-cost","scene":"\#(name)","width":\#(width),"height":\#(height),"frames":\#(frames.count),"motion_ms_per_frame":\#(motion),"anonymiser_ms_per_frame":\#(anonymiser),"share_percent":\#(share),"anonymiser_warm_ms_per_frame":\#(anonymiserWarm),"warm_share_percent":\#(warmShare),"observe_ms_per_frame":\#(following),"observe_share_percent":\#(following / motion * 100),"in_chain_ms_per_frame":\#(inChain),"in_chain_share_percent":\#(inChain / motion * 100),"deployed_share_percent":\#(deployed),"redacted_share":\#(redacted)}"#)
        } else {
            print(String(format: "%@: %dx%d, %d frames at 25 fps, three people", name, width, height, frames.count))
            print(String(format: "  motion stage (adaptive + cleanup)  %7.3f ms per frame", motion))
            print(String(format: "  anonymiser (silhouette)            %7.3f ms per frame (%.1f %% of motion)", anonymiser, share))
            print(String(format: "  anonymiser, frames it redacts      %7.3f ms per frame (%.1f %%; %d frames)", anonymiserWarm, warmShare, warm))
            print(String(format: "  following a frame it redacts       %7.3f ms per frame (%.1f %%; observe, no image)", following,
                         following / motion * 100))
            print(String(format: "  in the chain, frames it redacts    %7.3f ms per frame (%.1f %%; inputs just produced)", inChain,
                         inChain / motion * 100))
            print(String(format: "  as deployed, frames it redacts     %7.1f %% of motion (both on a frame just decoded)", deployed))
            print(String(format: "  redacted share of the image        %7.2f %% (frames it redacts)", redacted * 100))
        }
    }
}

/// A copy of `frame` in new planes, as a decoder writes each frame: its pixels are in cache.
private func freshCopy(_ frame: Frame) -> Frame {
    func copy(_ plane: Plane) -> Plane {
        var out = Plane(width: plane.width, height: plane.height)
        plane.withView { source in out.withMutableView { copyPixels(source, into: $0) } }
        return out
    }
    guard let cb = frame.cb, let cr = frame.cr,
          let out = try? Frame(luma: copy(frame.luma), cb: copy(cb), cr: copy(cr), timestamp: frame.timestamp, number: frame.number)
    else { return Frame(luma: copy(frame.luma), timestamp: frame.timestamp, number: frame.number) }
    return out
}
