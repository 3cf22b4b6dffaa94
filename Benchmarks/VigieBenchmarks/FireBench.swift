import Foundation
import Vigie
import VigieKernels

/// The fire analyser's cost beside the motion stage it runs next to: both over the same frames
/// (loaded into memory first), best of three passes each, single thread.
/// `vigie-bench fire INPUT [--max-frames N]`; INPUT is a .y4m or a folder of JPEG frames.
func benchFire(_ arguments: [String], json: Bool) throws {
    guard let path = arguments.first else { throw CocoaError(.fileNoSuchFile) }
    var maxFrames = Int.max
    if let i = arguments.firstIndex(of: "--max-frames"), i + 1 < arguments.count { maxFrames = Int(arguments[i + 1]) ?? maxFrames }
    var source = try FrameInput.open(path, format: .ycbcr420)
    var frames: [Frame] = []
    while frames.count < maxFrames, let f = try source.next() {
        // Each frame in its own storage (a source may reuse its buffer).
        var g = Frame(width: f.width, height: f.height, format: f.format, timestamp: f.timestamp, number: f.number)
        g.luma.withMutableView { d in f.luma.withView { s in copyPixels(s, into: d) } }
        g.cb!.withMutableView { d in f.cb!.withView { s in copyPixels(s, into: d) } }
        g.cr!.withMutableView { d in f.cr!.withView { s in copyPixels(s, into: d) } }
        frames.append(g)
    }
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
    var regions = 0
    let motion = try best {
        var pipeline = MotionPipeline(model: BackgroundModelKind.adaptive.makeModel())
        for frame in frames { _ = try pipeline.process(frame) }
    }
    let fire = try best {
        var detector = FireDetector()
        regions = 0
        for frame in frames { regions += try detector.process(frame).regions.count }
    }
    let ratio = fire / motion * 100
    if json {
        print(#"{"tool":"vigie","bench":"fire","width":\#(first.width),"height":\#(first.height),"frames":\#(frames.count),"motion_ms":\#(round(motion * 1000) / 1000),"fire_ms":\#(round(fire * 1000) / 1000),"fire_percent_of_motion":\#(round(ratio * 10) / 10)}"#)
    } else {
        print(String(format: "%dx%d, %d frames: motion (adaptive + standard cleanup) %.3f ms/frame, fire detector %.3f ms/frame = %.1f %% of motion (%d regions seen)",
                     first.width, first.height, frames.count, motion, fire, ratio, regions))
    }
}
