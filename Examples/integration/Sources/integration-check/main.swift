// Synthetic frames (a bright square walking into a zone) through `ScenePipeline`, with only the
// `VigiePipeline` product: exits 0 if the intrusion is raised once and ended, 1 otherwise.
import Foundation
import VigieCore
import VigieEvents
import VigiePipeline
import VigieRules

let scene = try Scene(json: Data(#"""
    {"cameraID": "yard-cam",
     "zones": [{"id": "yard", "polygon": [{"x": 0.5, "y": 0.0}, {"x": 1.0, "y": 0.0}, {"x": 1.0, "y": 1.0}, {"x": 0.5, "y": 1.0}]}],
     "rules": [{"id": "no-entry", "kind": "intrusion", "zone": "yard", "minDuration": 0.5}]}
    """#.utf8))
var pipeline = ScenePipeline(scene: scene)
var events: [Event] = []
let (width, height, fps) = (96, 72, 10.0)
for index in 0..<80 {
    // The square moves from x = 4 to about x = 80 over the first 6 s, then stays.
    let x = min(4 + index * 2, 78), y = 40
    var luma = [UInt8](repeating: 60, count: width * height)
    for row in y..<(y + 16) { for column in x..<(x + 8) { luma[row * width + column] = 220 } }
    let frame = try Frame(luma: Plane(width: width, height: height, copying: luma),
                          cb: Plane(width: width / 2, height: height / 2, filledWith: 128),
                          cr: Plane(width: width / 2, height: height / 2, filledWith: 128),
                          timestamp: Timestamp(frameIndex: index, framesPerSecond: fps), number: index + 1)
    events += try pipeline.process(frame)
}
events += try pipeline.finish()
let started = events.filter { $0.phase == .started }.map(\.id)
let ended = events.filter { $0.phase == .ended }.map(\.id)
print("integration-check: \(events.count) events, started \(started), ended \(ended)")
guard started.count == 1, Set(started) == Set(ended) else {
    FileHandle.standardError.write(Data("integration-check: expected one intrusion, started and ended\n".utf8))
    exit(1)
}
