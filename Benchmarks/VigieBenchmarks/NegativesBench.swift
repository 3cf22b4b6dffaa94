import Foundation
import Vigie

/// `vigie-bench negatives SHARED_DATA [--frames DIR] [--verbose]`: every hard-event rule and the zone rules on
/// the negative clips of the shared data; prints false alerts per camera-hour by kind and clip.
/// With `--frames`, writes each alert's frame, anonymised, as JPEG (for looking at the cause).
func benchNegatives(_ arguments: [String]) throws {
    guard let root = arguments.first else { throw CocoaError(.fileNoSuchFile) }
    let framesDir = arguments.firstIndex(of: "--frames").flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
    let only = arguments.firstIndex(of: "--only").flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
    guard let ffmpeg = ["/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg"].first(where: {
        FileManager.default.isExecutableFile(atPath: $0)
    }) else { throw CocoaError(.executableNotLoadable) }
    if let framesDir { try FileManager.default.createDirectory(atPath: framesDir, withIntermediateDirectories: true) }
    var results: [NegativesSuite.Result] = []
    for clip in NegativesSuite.clips(sharedData: root) {
        if let only, !clip.name.contains(only) { continue }
        guard clip.isPresent else {
            print("\(clip.name): absent, skipped")
            continue
        }
        var anonymiser = Anonymiser()
        let result = try NegativesSuite.run(clip, ffmpeg: ffmpeg) { alert, event, frame, mask, pipeline in
            let boxes = event.objects.map { o in
                String(format: "[%.2f %.2f %.2f %.2f]", o.box.x, o.box.y, o.box.width, o.box.height)
            }
            print(String(format: "  %@ %@ at %.1f s (frame %d) objects %@", clip.name, alert.kind.rawValue, alert.time,
                         alert.frame, boxes.joined(separator: " ")))
            if arguments.contains("--verbose") {
                for t in pipeline.tracks where event.objects.contains(where: { $0.trackID == t.id }) {
                    let points = t.trajectory.suffix(12).map { String(format: "(%.0f,%.0f)", $0.footPoint.x, $0.footPoint.y) }
                    print("    track \(t.id) \(t.state) box \(t.box) age \(String(format: "%.1f", t.age)) trajectory \(points.joined(separator: " "))")
                }
            }
            guard let framesDir else { return }
            let input = AnonymiserInput(frame: frame, foreground: mask, tracks: pipeline.tracks, model: pipeline.motion.model)
            let image = try anonymiser.process(input)
            let name = "\(framesDir)/\(clip.name)-\(alert.kind.rawValue)-\(alert.frame).jpg"
            try Data(JPEGCodec.encode(image)).write(to: URL(fileURLWithPath: name))
        }
        results.append(result)
    }
    print(NegativesSuite.table(results))
}

/// `vigie-bench small-bag`: issue 18's small-bag scene from the simulator through the chain with
/// `abandonedObject` (minDuration 10 s, whole-image zone); prints every second the static
/// regions the analyser sees and the tracks, then the events (to find the stage that loses it).
func benchSmallBag(_ arguments: [String]) throws {
    let scene = try Scene(json: Data(#"""
        {"cameraID": "pavement",
         "zones": [{"id": "all", "polygon": [{"x":0,"y":0},{"x":1,"y":0},{"x":1,"y":1},{"x":0,"y":1}]}],
         "rules": [{"id": "left", "kind": "abandonedObject", "zone": "all", "minDuration": 10}]}
        """#.utf8))
    var simulator = SceneSimulator(SimulatedScene.smallBag(duration: 30))
    var pipeline = ScenePipeline(scene: scene, streamStart: Date(timeIntervalSince1970: 0))
    var analysers = SceneAnalysers(staticObjects: StaticObjectDetector())
    var nextPrint = 0.0
    while let frame = try simulator.next() {
        let events = try pipeline.process(frame)
        let cues = try analysers.process(frame, foreground: nil, globalChange: false)
        for e in events {
            print(String(format: "%6.2f s  EVENT %@ %@ %@", frame.timestamp.seconds, e.kind.rawValue, e.phase.rawValue,
                         e.measurements.reason ?? ""))
        }
        guard frame.timestamp.seconds >= nextPrint else { continue }
        nextPrint += 1
        let objects: [String] = (cues.staticObjects?.objects ?? []).map { (o: StaticObject) -> String in
            "#\(o.id) \(o.box) \(o.origin) static " + String(format: "%.1f motion %.2f", o.staticSeconds, o.internalMotion)
        }
        let tracks = pipeline.tracks.map { "t\($0.id) \($0.state) \($0.box)" }
        print(String(format: "%6.2f s  static: %@\n          tracks: %@", frame.timestamp.seconds,
                     objects.joined(separator: "; "), tracks.joined(separator: "; ")))
    }
    for e in try pipeline.finish() { print("end EVENT \(e.kind.rawValue) \(e.phase.rawValue)") }
}
