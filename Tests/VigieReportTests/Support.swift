import Foundation
import VigieCore
import VigieEvents
import VigieIO
import VigiePipeline
import VigieReport
import VigieRules
import VigieSimulator

/// A yard with a fence line and a lawn zone; a walker crosses the fence onto the lawn. Three rules:
/// the crossing and the intrusion fire, the loitering rule (10 min) cannot.
enum Yard {
    static let sceneJSON = #"""
        {"cameraID": "yard",
         "zones": [{"id": "lawn", "name": "Lawn <east>", "polygon": [{"x": 0.55, "y": 0.3}, {"x": 1, "y": 0.3}, {"x": 1, "y": 1}, {"x": 0.55, "y": 1}]}],
         "lines": [{"id": "fence", "from": {"x": 0.4, "y": 0.05}, "to": {"x": 0.4, "y": 0.99}}],
         "rules": [{"id": "cross", "kind": "lineCrossed", "line": "fence"},
                   {"id": "lawn-intrusion", "kind": "intrusion", "zone": "lawn", "minDuration": 0.5},
                   {"id": "lawn-loitering", "kind": "loitering", "zone": "lawn", "maxDwell": 600}]}
        """#

    /// Two walkers, one after the other, so the line and the zone fire twice each.
    static func footage(seed: UInt64 = 5, height: Double? = nil) -> SimulatedScene {
        SimulatedScene(width: 160, height: 120, framesPerSecond: 8, duration: 16, seed: seed, actors: [
            Actor(id: 1, kind: .person, path: [Waypoint(3, 0.1, 0.8), Waypoint(8, 0.9, 0.8)], height: height),
            Actor(id: 2, kind: .person, path: [Waypoint(9, 0.05, 0.7), Waypoint(14.5, 0.95, 0.75)], height: height, luma: 60),
        ])
    }

    /// The events of a plain `ScenePipeline` on `footage`: what `vigie run` prints.
    /// One session for the recorder and the plain pipeline, so their event ids compare.
    static let session = try! EventSession(id: "01TESTREPORTSESSION0000000")

    static func pipelineEvents(_ footage: SimulatedScene, sceneJSON: String = sceneJSON) throws -> [Event] {
        var pipeline = ScenePipeline(scene: try Scene(json: Data(sceneJSON.utf8)), session: session)
        var simulator = SceneSimulator(footage)
        var events: [Event] = []
        while let frame = try simulator.next() { events += try pipeline.process(frame) }
        return events + (try pipeline.finish())
    }

    /// The recorder's events and report on `footage`.
    static func record(_ footage: SimulatedScene, sceneJSON: String = sceneJSON,
                       configuration: ReportRecorder.Configuration = .init()) throws -> (events: [Event], report: DryRunReport) {
        var recorder = try ReportRecorder(sceneData: Data(sceneJSON.utf8), sceneName: "yard.json", configuration: configuration,
                                          session: session)
        var simulator = SceneSimulator(footage)
        var events: [Event] = []
        while let frame = try simulator.next() { events += try recorder.process(frame) }
        events += try recorder.finish()
        return (events, recorder.report(inputName: "simulated", elapsedSeconds: 1.5))
    }
}

/// Every match of a regular expression's first capture group.
func captures(_ pattern: String, in text: String) throws -> [String] {
    let regex = try NSRegularExpression(pattern: pattern)
    let range = NSRange(text.startIndex..., in: text)
    return regex.matches(in: text, range: range).compactMap { match in
        Range(match.range(at: 1), in: text).map { String(text[$0]) }
    }
}

/// The bytes of every `<img>` of the page: nil for one whose source is not a base64 JPEG data URI.
func embeddedImages(_ html: String) throws -> [[UInt8]?] {
    try captures(#"<img\b([^>]*)>"#, in: html).map { attributes in
        let sources = try captures(#"\bsrc="([^"]*)""#, in: attributes)
        guard sources.count == 1, sources[0].hasPrefix("data:image/jpeg;base64,"),
              let data = Data(base64Encoded: String(sources[0].dropFirst("data:image/jpeg;base64,".count))) else { return nil }
        return [UInt8](data)
    }
}
