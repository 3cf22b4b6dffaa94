// The embedding example of Documentation/Embedding.md, compiled with the package (target
// `vigie-embedding-example`): a scene file, a camera stream, the standard chain, events out.
//   swift run vigie-embedding-example Examples/scenes/school-gate.json camera.y4m events.jsonl
import Foundation
import Vigie

let arguments = CommandLine.arguments                                    // SCENE.json INPUT EVENTS.jsonl
guard arguments.count == 4 else {
    FileHandle.standardError.write(Data("usage: vigie-embedding-example SCENE.json INPUT EVENTS.jsonl\n".utf8))
    exit(64)
}
do {
    let scene = try Scene(contentsOf: URL(fileURLWithPath: arguments[1]))   // validated, typed errors
    var source = try FrameInput.open(arguments[2], format: .ycbcr420)        // JPEG folder, .y4m, .mjpeg, -
    let sink = try JSONLinesSink(path: arguments[3], mode: .truncate)        // or WebhookSink, JournalSink…
    var pipeline = ScenePipeline(scene: scene)                               // background → … → rules
    do {
        while let frame = try source.nextSkippingCorruptFrames() {
            for event in try pipeline.process(frame) {
                try sink.send(event)                                         // geometry only, never pixels
                print("\(event.time) \(event.kind) \(event.phase) rule \(event.ruleID)")
            }
        }
        for event in try pipeline.finish() { try sink.send(event) }          // nothing left open
    } catch {
        for event in (try? pipeline.finish()) ?? [] { try? sink.send(event) }  // a broken input too
        throw error
    }
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}
