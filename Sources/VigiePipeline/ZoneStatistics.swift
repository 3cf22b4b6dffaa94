import Foundation
import VigieCore
import VigieRules
import VigieTracking

/// One zone's aggregated figures over one interval of stream time: what anonymous statistics
/// mode (`Scene.statisticsOnly`) lets out of the pipeline — counts, occupancy and densities, never
/// an image or an object's geometry.
///
/// On the wire (`jsonLine()`): one JSON object per line, `"schema": "vigie.statistics/1"`, keys
/// sorted, times in seconds of stream time.
public struct ZoneStatistics: Sendable, Hashable, Codable {
    /// The version tag written in the `schema` field: `vigie.statistics/1`.
    public static let schema = "vigie.statistics/1"

    /// The camera.
    public var cameraID: String
    /// The zone.
    public var zoneID: String
    /// Start of the interval (stream time, seconds; included).
    public var start: Double
    /// End of the interval (stream time, seconds; excluded).
    public var end: Double
    /// Frames analysed in the interval (tracked frames only).
    public var frames: Int
    /// Mean number of objects whose foot point was in the zone.
    public var meanCount: Double
    /// Largest number of objects in the zone at one frame.
    public var maxCount: Int
    /// Objects that entered the zone during the interval.
    public var entries: Int
    /// Mean fraction of the zone's area covered by moving objects, 0…1.
    public var meanOccupancy: Double
    /// Mean people per m² (with the scene's ground calibration), else nil.
    public var meanDensity: Double?

    /// The record as one line of JSON (sorted keys, `schema` field first in meaning).
    public func jsonLine() throws -> String {
        struct Wire: Encodable {
            let schema: String
            let record: ZoneStatistics
            func encode(to encoder: any Encoder) throws {
                try record.encode(to: encoder)
                var c = encoder.container(keyedBy: Key.self)
                try c.encode(schema, forKey: Key(stringValue: "schema")!)
            }
            struct Key: CodingKey {
                var stringValue: String
                var intValue: Int? { nil }
                init?(stringValue: String) { self.stringValue = stringValue }
                init?(intValue: Int) { nil }
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(Wire(schema: Self.schema, record: self)), as: UTF8.self)
    }
}

/// Accumulates `ZoneStatistics` per zone per interval from tracked frames.
struct ZoneStatisticsAccumulator {
    struct Running {
        var frames = 0
        var countSum = 0
        var maxCount = 0
        var entries = 0
        var occupancySum = 0.0
        var densitySum = 0.0
        var inside = Set<Int>()
    }

    let scene: Scene
    let interval: Double
    let groundAreas: [Double?]
    var intervalStart: Double?
    var running: [Running]
    var occupancy: [ZoneOccupancy]
    var completed: [ZoneStatistics] = []

    init(scene: Scene) {
        self.scene = scene
        interval = scene.statisticsInterval
        groundAreas = scene.zones.map { zone in scene.calibration?.groundArea(ofPolygon: zone.polygon) }
        running = Array(repeating: Running(), count: scene.zones.count)
        occupancy = scene.zones.map(ZoneOccupancy.init(zone:))
    }

    /// Adds one frame (tracks and foreground of a tracked frame; nil tracks: not tracked).
    mutating func add(time: Timestamp, tracks: [Track]?, foreground: Mask?, width: Int, height: Int) {
        let t = time.seconds
        if intervalStart == nil { intervalStart = (t / interval).rounded(.down) * interval }
        while let start = intervalStart, t >= start + interval {
            close(start: start, end: start + interval)
            intervalStart = start + interval
        }
        guard let tracks else { return }
        for (z, zone) in scene.zones.enumerated() {
            var count = 0
            var now = Set<Int>()
            for track in tracks where track.state == .confirmed || track.state == .lost {
                let foot = NormalisedPoint(x: track.footPoint.x / Double(width), y: track.footPoint.y / Double(height))
                guard zone.contains(foot) else { continue }
                count += 1
                now.insert(track.id)
            }
            running[z].entries += now.subtracting(running[z].inside).count
            running[z].inside = now
            running[z].frames += 1
            running[z].countSum += count
            running[z].maxCount = max(running[z].maxCount, count)
            if let foreground, let fraction = occupancy[z].fraction(of: foreground) {
                running[z].occupancySum += fraction
            }
            if let area = groundAreas[z], area > 0 { running[z].densitySum += Double(count) / area }
        }
    }

    /// Closes the current interval at `end` (end of stream) if it saw any frame.
    mutating func finish(at end: Timestamp) {
        guard let start = intervalStart, running.contains(where: { $0.frames > 0 }) else { return }
        close(start: start, end: max(end.seconds, start))
        intervalStart = nil
    }

    private mutating func close(start: Double, end: Double) {
        for (z, zone) in scene.zones.enumerated() {
            let r = running[z]
            let n = Double(max(r.frames, 1))
            completed.append(ZoneStatistics(
                cameraID: scene.cameraID, zoneID: zone.id, start: start, end: end, frames: r.frames,
                meanCount: Double(r.countSum) / n, maxCount: r.maxCount, entries: r.entries,
                meanOccupancy: r.occupancySum / n, meanDensity: groundAreas[z] != nil ? r.densitySum / n : nil))
            running[z] = Running(inside: r.inside)
        }
    }
}
