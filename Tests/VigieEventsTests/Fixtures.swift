import VigieCore
import VigieEvents

/// Sample events covering every kind, every phase and every optional field.
enum Fixtures {
    static let fullMeasurements = EventMeasurements(
        dwellSeconds: 12.5, count: 7, occupancy: 0.42, density: 2.25, directionDegrees: 271.5,
        speedMetresPerSecond: 1.4, speedNormalisedPerSecond: 0.125, reason: "tamper")

    static let full = Event(
        id: "cam1/rule-a/01JEKX4T0C9ZQ8Q4V2M6R7Y3HA-17", kind: .intrusion, phase: .ended, ruleID: "rule-a", zoneID: "quai-2", lineID: "edge",
        cameraID: "cam1", startTime: Timestamp(seconds: 12.04), time: Timestamp(seconds: 20.52),
        endTime: Timestamp(seconds: 19.4),
        objects: [
            EventObject(
                trackID: 3, box: NormalisedRect(x: 0.25, y: 0.5, width: 0.1, height: 0.3), objectClass: "person"),
            EventObject(
                trackID: 9, box: NormalisedRect(x: 0.6, y: 0.4, width: 0.05, height: 0.2),
                footPoint: NormalisedPoint(x: 0.625, y: 0.6)),
        ],
        measurements: fullMeasurements, score: 0.875, snapshot: "cam1-rule-a-17.jpg")

    /// A fixed session, for deterministic ids.
    static let session = try! EventSession(id: "s1")

    static let minimal = Event(
        id: "cam2/tamper/01JEKX4T0C9ZQ8Q4V2M6R7Y3HA-1", kind: .tamper, phase: .started, ruleID: "tamper", cameraID: "cam2",
        startTime: .zero, time: Timestamp(nanoseconds: 40_000_000))

    /// One event per kind and phase, with varied optional fields.
    static var sample: [Event] {
        var events = [full, minimal]
        for (i, kind) in EventKind.allCases.enumerated() {
            for phase in EventPhase.allCases {
                var e = Event(
                    id: Event.makeID(cameraID: "cam\(i)", ruleID: "r\(i)", session: session, sequence: i + 1), kind: kind, phase: phase,
                    ruleID: "r\(i)", cameraID: "cam\(i)", startTime: Timestamp(seconds: Double(i)),
                    time: Timestamp(nanoseconds: Int64(i) * 1_000_000_000 + 123_456_789), score: Double(i) / 13)
                if i.isMultiple(of: 2) { e.zoneID = "z\(i)" } else { e.lineID = "l\(i)" }
                if phase == .ended { e.endTime = e.time }
                if i.isMultiple(of: 3) { e.objects = full.objects }
                if i.isMultiple(of: 4) { e.measurements = EventMeasurements(count: i, reason: "r") }
                events.append(e)
            }
        }
        return events
    }
}
