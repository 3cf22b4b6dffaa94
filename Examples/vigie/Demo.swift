import ArgumentParser
import Foundation
import Vigie
import VigieServer

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

    func run() throws {
        let scene: Scene
        let writer: Y4MWriter
        do {
            scene = try DemoSite.schoolGateScene()
            writer = try Y4MWriter(path: output, framesPerSecond: (10, 1))
        } catch {
            throw fail(error)
        }
        var simulator = SceneSimulator(SimulatedScene(width: 640, height: 360, framesPerSecond: 10, duration: 40,
                                                      seed: 2026, actors: DemoSite.schoolGateActors))
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
