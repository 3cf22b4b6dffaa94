import Testing
import VigieCore
import VigieEvents
import VigiePipeline

@Suite("Shared event sink")
struct SharedEventSinkTests {
    static func event(_ id: String, _ phase: EventPhase, at t: Double) -> Event {
        Event(id: id, kind: .intrusion, phase: phase, ruleID: "r", zoneID: "z", cameraID: "c",
              startTime: Timestamp(seconds: 1), time: Timestamp(seconds: t), endTime: phase == .ended ? Timestamp(seconds: t) : nil)
    }

    @Test func remembersOpenSituationsAndEndsThemAtShutdown() throws {
        let shared = SharedEventSink(CollectingSink())
        try shared.send([Self.event("c/r/1", .started, at: 1), Self.event("c/r/2", .started, at: 2),
                         Self.event("c/r/1", .updated, at: 3), Self.event("c/r/2", .ended, at: 4)])
        #expect(shared.openSituations.map(\.id) == ["c/r/1"])
        let closing = try shared.closeOpenSituations(reason: "shutdown")
        #expect(closing.count == 1)
        let ended = try #require(closing.first)
        #expect(ended.id == "c/r/1" && ended.phase == .ended && ended.endTime == Timestamp(seconds: 3))
        #expect(ended.measurements.reason == "shutdown")
        #expect(shared.openSituations.isEmpty && shared.count == 5)
        #expect(try shared.send(Self.event("c/r/3", .started, at: 5)) == false, "closed to later events")
    }
}
