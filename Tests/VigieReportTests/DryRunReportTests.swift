import Foundation
import Testing
import VigieCore
import VigieEvents
import VigieIO
import VigieJournal
import VigiePipeline
import VigieReport
import VigieRules
import VigieSimulator

@Suite("Dry-run report: the page matches the run")
struct DryRunReportTests {
    /// The yard footage recorded once (debug builds are slow) for the tests that only read it.
    static let yard = Result { try Yard.record(Yard.footage()) }

    @Test func recorderEventsAreThePipelineEvents() throws {
        let footage = Yard.footage()
        let expected = try Yard.pipelineEvents(footage)
        let (events, _) = try Self.yard.get()
        #expect(!expected.isEmpty)
        #expect(events.map(\.id) == expected.map(\.id))
        #expect(events.map(\.phase) == expected.map(\.phase))
        #expect(events.map(\.startTime) == expected.map(\.startTime))
    }

    @Test func oneLanePerRuleAndOneRowPerAlert() throws {
        let footage = Yard.footage()
        let expected = try Yard.pipelineEvents(footage)
        let (_, report) = try Self.yard.get()
        let html = report.html()
        let scene = try Scene(json: Data(Yard.sceneJSON.utf8))

        let lanes = try captures(#"<g class="lane" data-rule="([^"]*)""#, in: html)
        #expect(lanes == scene.rules.map(\.id))

        let started = expected.filter { $0.phase == .started }
        #expect(started.count >= 3, "two crossings and an intrusion at least: \(started.map(\.id))")
        let rows = try captures(#"<tr class="alert" id="alert-\d+" data-event="([^"]*)""#, in: html)
        #expect(rows.sorted() == started.map(\.id).sorted())
        let bars = try captures(#"<rect class="bar" data-event="([^"]*)""#, in: html)
        #expect(bars.sorted() == rows.sorted())

        // Each row's times are its events' times.
        for alert in report.alerts {
            let own = expected.filter { $0.id == alert.id }
            #expect(alert.start == own.first!.startTime.seconds)
            let end = own.last(where: { $0.phase == .ended })
            #expect(alert.end == (end?.endTime ?? end?.time)?.seconds, "\(alert.id)")
        }
    }

    @Test func thePageIsSelfContained() throws {
        let (_, report) = try Self.yard.get()
        let html = report.html()
        #expect(!html.contains("http://") && !html.contains("https://"))
        #expect(!html.contains("<script"), "no script")
        #expect(!html.contains("<link"), "no external style sheet")
        let images = try embeddedImages(html)
        #expect(images.count == report.alerts.count + 1, "a snapshot per alert and the heat map's background")
        for image in images {
            let bytes = try #require(image, "every <img> is a base64 data: URI of a JPEG")
            #expect(bytes.starts(with: [0xFF, 0xD8]))
            let frame = try JPEGCodec.decode(bytes)
            #expect(frame.width == 160 && frame.height == 120)
        }
        // Other references stay inside the page.
        for reference in try captures(#"\b(?:href|src)="([^"]*)""#, in: html) {
            #expect(reference.hasPrefix("#") || reference.hasPrefix("data:image/jpeg;base64,"), "\(reference.prefix(40))")
        }
    }

    @Test func textFromTheSceneIsEscaped() throws {
        let (_, report) = try Self.yard.get()
        let html = report.html()
        #expect(html.contains("Lawn &lt;east&gt;"))
        #expect(!html.contains("Lawn <east>"))
    }

    @Test func thresholdsAndMeasurementsAreShown() throws {
        let (_, report) = try Self.yard.get()
        let html = report.html()
        let intrusion = try #require(report.alerts.first { $0.ruleID == "lawn-intrusion" })
        let row = try #require(try captures(#"(<tr class="alert"[^\n]*data-event="\#(NSRegularExpression.escapedPattern(for: intrusion.id))"[^\n]*</tr>)"#, in: html).first)
        #expect(row.contains(#"<span class="k">minDuration</span> 0.5"#), "the scene's threshold")
        #expect(row.contains(#"<span class="k">cooldown</span> 10"#), "a default threshold, resolved")
        #expect(row.contains(#"<span class="k">count</span> 1"#), "the alert's measurement while it lasted")
    }

    @Test func hintsNameTheRuleThatNeverFiredAndTheWarmUp() throws {
        let (_, report) = try Self.yard.get()
        let hints = report.hints()
        #expect(hints.contains { $0.contains("lawn-loitering") && $0.contains("never fired") }, "\(hints)")
        #expect(!hints.contains { $0.contains("cross ") && $0.contains("never fired") }, "\(hints)")
        #expect(hints.contains { $0.contains("before the background model was warm") }, "\(hints)")
        #expect(report.run.notWarmSeconds > 0 && report.run.notWarmSeconds < 4)
        let french = report.hints(language: .fr)
        #expect(french.contains { $0.contains("lawn-loitering") && $0.contains("ne s’est jamais déclenchée") }, "\(french)")
    }

    @Test func alertsRecurringAtOnePlaceSuggestAMask() throws {
        // A box that appears and disappears four times at the same place: four intrusions there.
        let scene = #"{"cameraID": "hall", "zones": [{"id": "hall", "polygon": [{"x": 0, "y": 0}, {"x": 1, "y": 0}, {"x": 1, "y": 1}, {"x": 0, "y": 1}]}], "rules": [{"id": "in", "kind": "intrusion", "zone": "hall", "minDuration": 0.5, "cooldown": 0.5}]}"#
        var actors: [Actor] = []
        for k in 0..<4 {
            let t = 3 + Double(k) * 5
            actors.append(Actor(id: k + 1, kind: .person, path: [Waypoint(t, 0.70, 0.8), Waypoint(t + 2, 0.72, 0.8)]))
        }
        let footage = SimulatedScene(width: 160, height: 120, framesPerSecond: 8, duration: 22, seed: 9, actors: actors)
        let (_, report) = try Yard.record(footage, sceneJSON: scene)
        #expect(report.alerts.count >= 3, "\(report.alerts.map(\.id))")
        let hints = report.hints()
        let spot = try #require(hints.first { $0.contains("at the same place") }, "\(hints)")
        #expect(spot.contains("rule in"))
        #expect(report.html().contains("suggested polygon"))
    }

    @Test func frenchLabels() throws {
        let (_, report) = try Self.yard.get()
        let html = report.html(language: .fr)
        #expect(html.contains(#"<html lang="fr">"#))
        #expect(html.contains("Chronologie") && html.contains("Alertes qui auraient été levées"))
        #expect(!html.contains("Timeline"))
    }

    @Test func zoneFiguresAndHeatMap() throws {
        let (_, report) = try Self.yard.get()
        let lawn = try #require(report.zoneSamples["lawn"])
        #expect(lawn.count >= 15, "one sample a second over 16 s")
        #expect(lawn.contains { $0.count > 0.5 } && lawn.contains { $0.occupancy > 0.01 }, "the walkers crossed the lawn")
        #expect(lawn.allSatisfy { $0.density == nil }, "no calibration")
        #expect(report.heatMap.counts.reduce(0, +) > 20)
        // Foot points were in the bottom part of the image (y 0.7-0.8).
        let rows = report.heatMap.rows, columns = report.heatMap.columns
        let top = (0..<(rows / 2)).reduce(0) { sum, r in sum + report.heatMap.counts[(r * columns)..<((r + 1) * columns)].reduce(0, +) }
        #expect(top == 0)
        let html = report.html()
        #expect(try captures(#"<polyline class="series" data-zone="([^"]*)""#, in: html) == ["lawn", "lawn"], "occupancy and count")
        #expect(html.contains(#"<polygon class="zone""#) && html.contains(#"<line class="tripwire""#))
    }

    @Test func runFiguresVersionAndHash() throws {
        let (_, report) = try Self.yard.get()
        #expect(report.run.frames == 128)
        #expect(report.version == VigieVersion.current)
        #expect(report.sceneHash.count == 64 && report.sceneHash.allSatisfy(\.isHexDigit))
        let html = report.html()
        #expect(html.contains(report.sceneHash))
        #expect(html.contains("128 frames, 1.50 s, 85.3 frames/s"))
    }

    @Test func statisticsModeIsRefused() throws {
        let scene = #"{"cameraID": "hall", "statisticsOnly": true, "rules": []}"#
        #expect(throws: PipelineError.statisticsOnly(cameraID: "hall")) {
            _ = try ReportRecorder(sceneData: Data(scene.utf8), sceneName: "hall.json")
        }
    }

    @Test func anInvalidSceneIsATypedError() throws {
        #expect(throws: SceneFileError.self) {
            _ = try ReportRecorder(sceneData: Data("{\"cameraID\": 3}".utf8), sceneName: "bad.json")
        }
    }
}
