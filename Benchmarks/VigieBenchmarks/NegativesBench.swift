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
