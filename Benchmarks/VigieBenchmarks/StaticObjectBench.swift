import Foundation
import Vigie
import VigieKernels

/// `vigie-bench static-objects Y4M [--max-frames N]`: the static-object analyser (abandoned and
/// removed objects) against the motion stage (`MotionPipeline` with `AdaptiveBackground` and the
/// standard cleanup) on the same in-memory frames. Both are timed over whole passes of the clip
/// with fresh state (the best of seven alternating passes), so the analyser runs at its real rate: one analysis
/// every 0.4 s of stream time, i.e. every 4th frame at 10 frames per second, every 10th at 25.
func benchStaticObjects(_ arguments: [String], json: Bool) throws {
    guard let path = arguments.first else { throw CocoaError(.fileNoSuchFile) }
    var maxFrames = Int.max
    if let i = arguments.firstIndex(of: "--max-frames"), i + 1 < arguments.count { maxFrames = Int(arguments[i + 1]) ?? maxFrames }
    var source = try Y4MSource(path: path)
    let frames = try framesInMemory(&source, max: maxFrames)
    guard let first = frames.first else { throw CocoaError(.fileReadCorruptFile) }
    let fps = frames.count > 1 ? Double(frames.count - 1) / (frames.last!.timestamp.seconds - first.timestamp.seconds) : 25

    // Passes of the two alternate, so a busy machine slows both alike; the best pass of each counts.
    var motion = Double.infinity, analyser = Double.infinity
    var analyses = 0
    for _ in 0..<7 {
        var start = now()
        var m = MotionPipeline(model: AdaptiveBackground())
        for f in frames { _ = try m.process(f) }
        motion = min(motion, (now() - start) / Double(frames.count) * 1000)
        start = now()
        var d = StaticObjectDetector()
        for f in frames { _ = try d.process(f) }
        analyser = min(analyser, (now() - start) / Double(frames.count) * 1000)
        analyses = d.analyses
    }
    let perAnalysis = analyser * Double(frames.count) / Double(max(1, analyses))
    let share = analyser / motion * 100
    if json {
        print(#"{"tool":"vigie","bench":"static-objects","width":\#(first.width),"height":\#(first.height),"frames":\#(frames.count),"fps":\#(fps),"motion_ms_per_frame":\#(motion),"analyser_ms_per_frame":\#(analyser),"analyser_ms_per_analysis":\#(perAnalysis),"share_percent":\#(share)}"#)
    } else {
        print(String(format: "%dx%d, %d frames at %.1f fps (%d analyses)", first.width, first.height, frames.count, fps, analyses))
        print(String(format: "motion stage (adaptive + cleanup)  %7.3f ms per frame", motion))
        print(String(format: "static-object analyser            %7.3f ms per frame (%.3f ms per analysis)", analyser, perAnalysis))
        print(String(format: "analyser / motion                 %7.1f %%", share))
        let at25 = perAnalysis / 10
        print(String(format: "at 25 fps (every 10th frame)      %7.3f ms per frame, %.1f %% of the motion stage", at25, at25 / motion * 100))
    }
}

