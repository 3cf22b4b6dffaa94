import ArgumentParser
import Foundation
import Vigie

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a built-in simulated school-gate scene and print the alerts as they happen.",
        discussion: """
            No input needed: the scene simulator renders 40 s of a school gate (people crossing the fence, \
            entering the grounds, loitering at the gate, walking the wrong way, a crowd on the plaza). The \
            standard chain runs on it; alerts are printed as they happen (--json for JSON Lines) and an \
            anonymised rendering with zones, tracks and alerts is written to --output (demo.y4m; play it with \
            ffplay or convert it with ffmpeg -i demo.y4m demo.mp4).
            """)

    @Flag(help: "Print events as JSON Lines instead of readable lines.")
    var json = false

    @Option(help: "Where to write the anonymised rendering (Y4M).")
    var output = "demo.y4m"

    static let sceneJSON = #"""
    {"cameraID": "school-gate", "description": "Built-in demo scene", "frameRate": 10,
     "zones": [
       {"id": "grounds", "description": "School grounds: nobody inside", "polygon": [{"x":0.25,"y":0.35},{"x":0.45,"y":0.35},{"x":0.45,"y":0.7},{"x":0.25,"y":0.7}]},
       {"id": "gate", "description": "In front of the gate", "polygon": [{"x":0.5,"y":0.35},{"x":0.68,"y":0.35},{"x":0.68,"y":0.7},{"x":0.5,"y":0.7}]},
       {"id": "pavement", "description": "One-way pavement, walking right", "allowedDirection": 0, "polygon": [{"x":0.02,"y":0.8},{"x":0.98,"y":0.8},{"x":0.98,"y":0.99},{"x":0.02,"y":0.99}]},
       {"id": "plaza", "description": "Plaza", "polygon": [{"x":0.72,"y":0.3},{"x":0.99,"y":0.3},{"x":0.99,"y":0.75},{"x":0.72,"y":0.75}]}
     ],
     "lines": [{"id": "fence", "from": {"x": 0.2, "y": 0.3}, "to": {"x": 0.2, "y": 0.78}, "positiveDirection": "out", "negativeDirection": "in"}],
     "privacyMasks": [{"id": "house", "description": "A house opposite", "polygon": [{"x":0.0,"y":0.0},{"x":0.15,"y":0.0},{"x":0.15,"y":0.2},{"x":0.0,"y":0.2}]}],
     "rules": [
       {"id": "fence-crossing", "kind": "lineCrossed", "line": "fence"},
       {"id": "grounds-intrusion", "kind": "intrusion", "zone": "grounds", "minDuration": 1},
       {"id": "gate-loitering", "kind": "loitering", "zone": "gate", "maxDwell": 8},
       {"id": "pavement-wrong-way", "kind": "wrongWay", "zone": "pavement", "minDuration": 1},
       {"id": "plaza-crowd", "kind": "densityExceeded", "zone": "plaza", "maxCount": 3, "minDuration": 2}
     ]}
    """#

    static var actors: [Actor] {
        func person(_ id: Int, _ path: [Waypoint], luma: Double = 60) -> Actor {
            Actor(id: id, kind: .person, path: path, height: 0.2, luma: luma,
                  chroma: (UInt8(100 + 9 * id), UInt8(165 - 7 * id)), castsShadow: id % 2 == 0)
        }
        return [
            person(1, [Waypoint(3, 0.05, 0.6), Waypoint(9, 0.35, 0.6), Waypoint(15, 0.38, 0.62), Waypoint(19, 0.05, 0.62)]),
            person(2, [Waypoint(10, 0.62, 0.32), Waypoint(13, 0.6, 0.55), Waypoint(17, 0.52, 0.6), Waypoint(21, 0.66, 0.58),
                       Waypoint(25, 0.55, 0.55), Waypoint(29, 0.62, 0.6), Waypoint(32, 0.62, 0.3)], luma: 90),
            person(3, [Waypoint(20, 0.95, 0.92), Waypoint(28, 0.05, 0.92)], luma: 45),
            // A crowd gathers on the plaza: four people side by side, the first furthest left.
            person(4, [Waypoint(23, 0.99, 0.6), Waypoint(27, 0.76, 0.6), Waypoint(39, 0.76, 0.6)], luma: 70),
            person(5, [Waypoint(25, 0.99, 0.6), Waypoint(28, 0.83, 0.6), Waypoint(39, 0.83, 0.6)], luma: 110),
            person(6, [Waypoint(27, 0.99, 0.6), Waypoint(29, 0.9, 0.6), Waypoint(39, 0.9, 0.6)], luma: 50),
            person(7, [Waypoint(29, 0.99, 0.6), Waypoint(30, 0.96, 0.6), Waypoint(39, 0.96, 0.6)], luma: 130),
        ]
    }

    func run() throws {
        let scene: Scene
        let writer: Y4MWriter
        do {
            scene = try Scene(json: Data(Self.sceneJSON.utf8))
            writer = try Y4MWriter(path: output, framesPerSecond: (10, 1))
        } catch {
            throw fail(error)
        }
        var simulator = SceneSimulator(SimulatedScene(width: 640, height: 360, framesPerSecond: 10, duration: 40,
                                                      seed: 2026, actors: Self.actors))
        var pipeline = ScenePipeline(scene: scene, streamStart: Date(timeIntervalSince1970: 0))
        var anonymiser = Anonymiser(privacyMasks: scene.privacyMasks)
        var overlay = Overlay(zones: scene.zones, lines: scene.lines)
        var open: [String: String] = [:]  // event id -> banner text, while the alert lasts
        var kinds = Set<EventKind>()
        let start = Date()
        do {
            while let frame = try simulator.next() {
                let (events, foreground) = try pipeline.processKeepingMask(frame)
                for event in events { report(event, &open, &kinds) }
                var image = try anonymiser.process(AnonymiserInput(frame: frame, foreground: foreground,
                                                                   tracks: pipeline.tracks, model: pipeline.motion.model))
                overlay.tracks = pipeline.tracks
                overlay.labels = [String(format: "SCHOOL GATE %.1f S", frame.timestamp.seconds)] + open.values.sorted()
                image = image.drawing(overlay)
                try writer.write(image)
            }
            for event in try pipeline.finish() { report(event, &open, &kinds) }
        } catch {
            writer.close()
            throw fail(error)
        }
        writer.close()
        note(String(format: "vigie: %d alert kinds (%@) in %.0f s of video, processed in %.1f s; anonymised rendering in %@",
                    kinds.count, kinds.map(\.rawValue).sorted().joined(separator: ", "), 40.0,
                    Date().timeIntervalSince(start), output))
    }

    private func report(_ event: Event, _ open: inout [String: String], _ kinds: inout Set<EventKind>) {
        kinds.insert(event.kind)
        if json {
            if let line = try? event.jsonLine() { print(line) }
        } else {
            let place = event.zoneID ?? event.lineID ?? "-"
            let who = event.objects.map { "#\($0.trackID)" }.joined(separator: " ")
            var detail = ""
            if let d = event.measurements.dwellSeconds { detail += String(format: " dwell %.0f s", d) }
            if let c = event.measurements.count, event.kind == .densityExceeded { detail += " \(c) people" }
            if let r = event.measurements.reason { detail += " \(r)" }
            func pad(_ text: String, _ width: Int) -> String { text.padding(toLength: max(width, text.count), withPad: " ", startingAt: 0) }
            print(String(format: "%6.1f s  ", event.time.seconds) + pad(event.phase.rawValue.uppercased(), 8) + " "
                  + pad(event.kind.rawValue, 16) + " " + pad(place, 10) + " " + who + detail)
        }
        switch event.phase {
        case .started, .updated: open[event.id] = "\(event.kind.rawValue.uppercased()) \(event.zoneID ?? event.lineID ?? "")"
        case .ended: open[event.id] = nil
        }
        if event.kind == .lineCrossed && event.phase == .ended { open[event.id] = nil }
    }
}
