import Testing
import VigieCore

@testable import VigieRules

@Suite("Lines and zones")
struct LineTests {
    // Drawn left to right: positive crossings go downward (from above the line to below it).
    let horizontal = Line(id: "h", from: .init(x: 0.2, y: 0.5), to: .init(x: 0.8, y: 0.5), positiveDirection: "in")

    @Test func sideFollowsTheCrossProductInImageCoordinates() {
        #expect(horizontal.side(of: .init(x: 0.5, y: 0.4)) < 0)  // above: left
        #expect(horizontal.side(of: .init(x: 0.5, y: 0.6)) > 0)  // below: right
        #expect(horizontal.side(of: .init(x: 0.9, y: 0.5)) == 0)
    }

    @Test func crossingDirections() {
        #expect(horizontal.crossing(from: .init(x: 0.5, y: 0.4), to: .init(x: 0.5, y: 0.6)) == .positive)
        #expect(horizontal.crossing(from: .init(x: 0.5, y: 0.6), to: .init(x: 0.5, y: 0.4)) == .negative)
        // Beside the segment, on its supporting line's sides, is no crossing.
        #expect(horizontal.crossing(from: .init(x: 0.9, y: 0.4), to: .init(x: 0.9, y: 0.6)) == nil)
        // Reaching the line is not yet a crossing.
        #expect(horizontal.crossing(from: .init(x: 0.5, y: 0.4), to: .init(x: 0.5, y: 0.5)) == nil)
        // Drawn top to bottom: positive crossings go right to left.
        let vertical = Line(id: "v", from: .init(x: 0.5, y: 0.1), to: .init(x: 0.5, y: 0.9))
        #expect(vertical.crossing(from: .init(x: 0.6, y: 0.5), to: .init(x: 0.4, y: 0.5)) == .positive)
        #expect(CrossingDirection.both.includes(.negative) && !CrossingDirection.positive.includes(.negative))
    }

    @Test func zoneContainmentAndDirection() {
        let zone = Zone(
            id: "z",
            polygon: [.init(x: 0.1, y: 0.1), .init(x: 0.5, y: 0.1), .init(x: 0.5, y: 0.5), .init(x: 0.1, y: 0.5)],
            allowedDirection: 270)
        #expect(zone.contains(.init(x: 0.3, y: 0.3)) && !zone.contains(.init(x: 0.6, y: 0.3)))
        #expect(abs(zone.normalisedArea - 0.16) < 1e-12)
        #expect(zone.isWrongWay(headingDegrees: 90) == true)  // down, against "up"
        #expect(zone.isWrongWay(headingDegrees: 145) == true)  // 55° from the reverse, within 60°
        #expect(zone.isWrongWay(headingDegrees: 160) == false)  // 70° from the reverse
        #expect(zone.isWrongWay(headingDegrees: -90) == false)
        #expect(Zone(id: "n", polygon: []).isWrongWay(headingDegrees: 0) == nil)
    }
}
