import Foundation
import Vigie
import VigieAnalysis
import VigieKernels

/// The fire analyser's cost beside the motion stage it runs next to: both over the same frames
/// (loaded into memory first), best of three passes each, single thread.
/// `vigie-bench fire INPUT [--max-frames N]`; INPUT is a .y4m or a folder of JPEG frames.
func benchFire(_ arguments: [String], json: Bool) throws {
    guard let path = arguments.first else { throw CocoaError(.fileNoSuchFile) }
    var maxFrames = Int.max
    if let i = arguments.firstIndex(of: "--max-frames"), i + 1 < arguments.count { maxFrames = Int(arguments[i + 1]) ?? maxFrames }
    var source = try FrameInput.open(path, format: .ycbcr420)
    let frames = try framesInMemory(&source, max: maxFrames)
    guard let first = frames.first else { throw CocoaError(.fileReadCorruptFile) }
    func best(_ pass: () throws -> Void) rethrows -> Double {
        var elapsed = Double.infinity
        for _ in 0..<3 {
            let start = now()
            try pass()
            elapsed = min(elapsed, now() - start)
        }
        return elapsed / Double(frames.count) * 1000
    }
    var regions = 0, lumaRows = 0.0
    // Separate passes: each stage over all frames alone (the frames come from memory, not cache).
    let motion = try best {
        var pipeline = MotionPipeline(model: BackgroundModelKind.adaptive.makeModel())
        for frame in frames { _ = try pipeline.process(frame) }
    }
    let fire = try best {
        var detector = FireDetector()
        regions = 0
        lumaRows = 0
        for frame in frames {
            regions += try detector.process(frame).regions.count
            lumaRows += detector.lumaRowFraction
        }
    }
    // As in ScenePipeline: per frame, the motion stage then the fire analyser on the same frame
    // (still in cache); each part timed alone, best of three passes.
    var motionInline = Double.infinity, fireInline = Double.infinity
    for _ in 0..<3 {
        var pipeline = MotionPipeline(model: BackgroundModelKind.adaptive.makeModel())
        var detector = FireDetector()
        var m = 0.0, f = 0.0
        for frame in frames {
            let t0 = now()
            _ = try pipeline.process(frame)
            let t1 = now()
            _ = try detector.process(frame)
            f += now() - t1
            m += t1 - t0
        }
        motionInline = min(motionInline, m / Double(frames.count) * 1000)
        fireInline = min(fireInline, f / Double(frames.count) * 1000)
    }
    let inlineRatio = fireInline / motionInline * 100
    let ratio = fire / motion * 100
    if json {
        print(#"{"tool":"vigie","bench":"fire","width":\#(first.width),"height":\#(first.height),"frames":\#(frames.count),"motion_ms":\#(round(motion * 1000) / 1000),"fire_ms":\#(round(fire * 1000) / 1000),"fire_percent_of_motion":\#(round(ratio * 10) / 10),"inline_motion_ms":\#(round(motionInline * 1000) / 1000),"inline_fire_ms":\#(round(fireInline * 1000) / 1000),"inline_fire_percent_of_motion":\#(round(inlineRatio * 10) / 10)}"#)
    } else {
        print(String(format: "%dx%d, %d frames (%d fire regions seen; luma read on %.0f %% of the rows of cells)", first.width,
                     first.height, frames.count, regions, lumaRows / Double(frames.count) * 100))
        print(String(format: "  separate passes:  motion (adaptive + standard cleanup) %.3f ms/frame, fire detector %.3f ms/frame = %.1f %% of motion",
                     motion, fire, ratio))
        print(String(format: "  as in the pipeline (fire right after motion, same frame): motion %.3f ms/frame, fire %.3f ms/frame = %.1f %% of motion",
                     motionInline, fireInline, inlineRatio))
    }
}
