import Foundation
import Testing
import VigieCore
import VigieEvents
import VigiePipeline
import VigieRules
import VigieSimulator

/// Anonymous statistics mode: no image, no mask, no track and no alert leaves the pipeline; only
/// per-zone counts, occupancy and densities per interval.
@Suite("Statistics mode")
struct StatisticsModeTests {
    static let json = #"""
        {"cameraID": "hall", "statisticsOnly": true, "statisticsInterval": 5,
         "zones": [{"id": "left", "polygon": [{"x":0.0,"y":0.3},{"x":0.5,"y":0.3},{"x":0.5,"y":1},{"x":0.0,"y":1}]},
                   {"id": "right", "polygon": [{"x":0.5,"y":0.3},{"x":1,"y":0.3},{"x":1,"y":1},{"x":0.5,"y":1}]}],
         "rules": [{"id": "in", "kind": "intrusion", "zone": "right", "minDuration": 0.5}]}
        """#

    @Test func onlyAggregatesLeaveThePipeline() throws {
        let scene = try Scene(json: Data(Self.json.utf8))
        // One person walks into the right half at about 6 s and stays until 14 s.
        var simulator = SceneSimulator(SimulatedScene(width: 160, height: 120, framesPerSecond: 10, duration: 15, seed: 4, actors: [
            Actor(id: 1, kind: .person, path: [Waypoint(3, 0.1, 0.8), Waypoint(7, 0.8, 0.8), Waypoint(15, 0.8, 0.8)])
        ]))
        var pipeline = ScenePipeline(scene: scene)
        var records: [ZoneStatistics] = []
        while let frame = try simulator.next() {
            #expect(try pipeline.process(frame).isEmpty, "no alert leaves in statistics mode")
            #expect(pipeline.tracks.isEmpty, "no track leaves in statistics mode")
            records += pipeline.takeStatistics()
        }
        #expect(try pipeline.finish().isEmpty)
        records += pipeline.takeStatistics()
        // Intervals [0,5), [5,10), [10,14.9] for two zones.
        #expect(records.count == 6, "\(records)")
        let right = records.filter { $0.zoneID == "right" }
        #expect(right.map(\.start) == [0, 5, 10])
        #expect(right[2].meanCount > 0.9 && right[2].maxCount == 1, "the person stands in the right half: \(right[2])")
        #expect(right[1].entries == 1, "and entered it in the second interval: \(right[1])")
        #expect(right[2].meanOccupancy > 0 && right[0].meanCount == 0)
        #expect(records.allSatisfy { $0.meanDensity == nil }, "no calibration, no density")
        let line = try right[2].jsonLine()
        #expect(line.contains(#""schema":"vigie.statistics/1""#) && !line.contains("box") && !line.contains("track"))
    }

    @Test func noMaskLeavesEither() throws {
        let scene = try Scene(json: Data(Self.json.utf8))
        var pipeline = ScenePipeline(scene: scene)
        let frame = Frame(width: 32, height: 32, format: .ycbcr420)
        #expect(throws: PipelineError.statisticsOnly(cameraID: "hall")) { try pipeline.processKeepingMask(frame) }
    }

    @Test func theIntervalIsValidated() {
        let bad = Self.json.replacingOccurrences(of: #""statisticsInterval": 5"#, with: #""statisticsInterval": 0"#)
        #expect(throws: SceneFileError.self) { try Scene(json: Data(bad.utf8)) }
    }
}
