import Testing
import VigieCore

@testable import VigieEvents

/// Drives a lifecycle at 10 frames per second over a pattern of active/inactive frames.
private struct Driver {
    var lifecycle: EventLifecycle
    var ids = EventIDSequence(cameraID: "cam1", ruleID: "rule-a", session: Fixtures.session)
    var frame = 0
    var transitions: [EventLifecycle.Transition] = []

    init(_ configuration: EventLifecycle.Configuration) { lifecycle = EventLifecycle(configuration) }

    static func t(_ frame: Int) -> Timestamp { Timestamp(frameIndex: frame, framesPerSecond: 10) }

    /// Feeds `frames` frames (0.1 s each) of `active`.
    mutating func feed(_ active: Bool, frames: Int) throws {
        for _ in 0..<frames {
            if let t = try lifecycle.observe(active: active, at: Driver.t(frame), ids: &ids) { transitions.append(t) }
            frame += 1
        }
    }

    var phases: [EventPhase] { transitions.map(\.phase) }
}

@Suite("Event lifecycle")
struct EventLifecycleTests {
    @Test func minDurationIsRespected() throws {
        var d = Driver(.init(minDuration: 2, updateInterval: .infinity, endAfter: 0.5))
        try d.feed(true, frames: 19)  // 0.0…1.8 s: 1.8 s of activity
        try d.feed(false, frames: 10)
        #expect(d.transitions.isEmpty)
        try d.feed(true, frames: 21)  // frames 29…49: 2.0 s at frame 49
        #expect(d.phases == [.started])
        #expect(d.transitions[0].startTime == Driver.t(29))
        #expect(d.transitions[0].time == Driver.t(49))
    }

    @Test func zeroMinDurationStartsOnFirstActiveFrame() throws {
        var d = Driver(.init(minDuration: 0, updateInterval: .infinity, endAfter: 0))
        try d.feed(false, frames: 3)
        try d.feed(true, frames: 1)
        #expect(d.phases == [.started])
        #expect(d.transitions[0].startTime == Driver.t(3) && d.transitions[0].time == Driver.t(3))
        try d.feed(false, frames: 1)
        #expect(d.phases == [.started, .ended])
        #expect(d.transitions[1].endTime == Driver.t(4))
    }

    @Test func oneStartedPerSituationWithAStableID() throws {
        var d = Driver(.init(minDuration: 1, updateInterval: 2, endAfter: 1))
        try d.feed(true, frames: 100)
        try d.feed(false, frames: 20)
        #expect(d.phases.filter { $0 == .started }.count == 1)
        #expect(d.phases.first == .started && d.phases.last == .ended)
        #expect(Set(d.transitions.map(\.id)) == ["cam1/rule-a/s1-1"])
        #expect(d.transitions.allSatisfy { $0.startTime == .zero && $0.sequence == 1 })
        // A second situation gets the next number.
        try d.feed(true, frames: 20)
        #expect(d.transitions.last?.phase == .started)
        #expect(d.transitions.last?.id == "cam1/rule-a/s1-2")
    }

    @Test func updatedAtMostEveryUpdateInterval() throws {
        var d = Driver(.init(minDuration: 0.5, updateInterval: 2, endAfter: 1))
        try d.feed(true, frames: 101)  // frames 0…100; started at frame 5 (0.5 s)
        let times = d.transitions.map(\.time)
        #expect(d.phases == [.started] + Array(repeating: .updated, count: 4))
        #expect(times == [5, 25, 45, 65, 85].map(Driver.t))
        for (a, b) in zip(times, times.dropFirst()) { #expect(b.seconds - a.seconds >= 2 - 1e-9) }
    }

    @Test func noUpdatesWhenIntervalIsInfinite() throws {
        var d = Driver(.init(minDuration: 0, updateInterval: .infinity, endAfter: 1))
        try d.feed(true, frames: 500)
        #expect(d.phases == [.started])
    }

    @Test func endedAfterEndAfterWithTheTimeItWasLastSeen() throws {
        var d = Driver(.init(minDuration: 0, updateInterval: .infinity, endAfter: 1.5))
        try d.feed(true, frames: 10)
        try d.feed(false, frames: 15)  // frames 10…24: 1.4 s inactive at frame 24
        #expect(d.phases == [.started])
        try d.feed(false, frames: 1)  // frame 25: 1.5 s
        #expect(d.phases == [.started, .ended])
        let ended = d.transitions[1]
        #expect(ended.startTime == .zero)
        #expect(ended.endTime == Driver.t(10))
        #expect(ended.time == Driver.t(25))
        #expect(d.lifecycle.isIdle(at: Driver.t(26)))
    }

    @Test func cooldownSuppressesANewStart() throws {
        var d = Driver(.init(minDuration: 0, updateInterval: .infinity, endAfter: 0, cooldown: 5))
        try d.feed(true, frames: 10)
        try d.feed(false, frames: 1)  // ended at frame 10 (1.0 s); cooling down until 6.0 s
        #expect(d.phases == [.started, .ended])
        #expect(!d.lifecycle.isIdle(at: Driver.t(11)))
        try d.feed(true, frames: 20)  // frames 11…30: suppressed
        try d.feed(false, frames: 1)
        try d.feed(true, frames: 28)  // frames 32…59: still suppressed
        #expect(d.phases == [.started, .ended])
        try d.feed(true, frames: 1)  // frame 60 = 6.0 s: allowed again
        #expect(d.phases == [.started, .ended, .started])
        #expect(d.transitions[2].startTime == Driver.t(60))
        #expect(d.transitions[2].id == "cam1/rule-a/s1-2")
    }

    @Test func cooldownWithMinDurationCountsFromTheEndOfTheCooldown() throws {
        var d = Driver(.init(minDuration: 1, updateInterval: .infinity, endAfter: 0, cooldown: 2))
        try d.feed(true, frames: 11)  // started at frame 10
        try d.feed(false, frames: 1)  // ended at frame 11 (1.1 s), cooldown until 3.1 s
        try d.feed(true, frames: 29)  // frames 12…40: pending from frame 31, due at frame 41
        #expect(d.phases == [.started, .ended])
        try d.feed(true, frames: 1)
        #expect(d.phases == [.started, .ended, .started])
        #expect(d.transitions[2].startTime == Driver.t(31))
    }

    @Test func flappingNearAThresholdRaisesOneAlert() throws {
        // A count hovering at its threshold: over, under, over… every frame or two for 30 s.
        var d = Driver(.init(minDuration: 2, updateInterval: 10, endAfter: 1, cooldown: 0))
        // Under-threshold spells last at most 0.8 s, shorter than endAfter.
        var generator = SplitMix(seed: 42)
        var inactiveStreak = 0
        for _ in 0..<300 {
            let over = generator.next() % 3 != 0 || inactiveStreak == 8
            inactiveStreak = over ? 0 : inactiveStreak + 1
            try d.feed(over, frames: 1)
        }
        #expect(d.phases.first == .started)
        try d.feed(false, frames: 15)
        #expect(d.phases.filter { $0 == .started }.count == 1)
        #expect(d.phases.filter { $0 == .ended }.count == 1)
        #expect(d.phases.last == .ended)
    }

    @Test func shortEpisodesSeparatedByLongGapsNeverStart() throws {
        var d = Driver(.init(minDuration: 2, updateInterval: 10, endAfter: 1))
        for _ in 0..<20 {
            try d.feed(true, frames: 15)
            try d.feed(false, frames: 11)  // 1.0 s from the first inactive frame to the last
        }
        #expect(d.transitions.isEmpty)
    }

    @Test func nonMonotonicTimeIsATypedError() throws {
        var lifecycle = EventLifecycle(.init())
        var ids = EventIDSequence(cameraID: "c", ruleID: "r", session: Fixtures.session)
        _ = try lifecycle.observe(active: true, at: Timestamp(seconds: 2), ids: &ids)
        #expect(
            throws: EventLifecycleError.nonMonotonicTimestamp(
                previous: Timestamp(seconds: 2), current: Timestamp(seconds: 1))
        ) {
            try lifecycle.observe(active: true, at: Timestamp(seconds: 1), ids: &ids)
        }
        #expect(
            throws: EventLifecycleError.nonMonotonicTimestamp(
                previous: Timestamp(seconds: 2), current: Timestamp(seconds: 2))
        ) {
            try lifecycle.observe(active: false, at: Timestamp(seconds: 2), ids: &ids)
        }
        #expect(throws: EventLifecycleError.self) { try lifecycle.close(at: Timestamp(seconds: 1.5)) }
    }

    @Test func closeEndsAStartedSituationAndDropsAPendingOne() throws {
        var d = Driver(.init(minDuration: 1, updateInterval: .infinity, endAfter: 5))
        try d.feed(true, frames: 5)
        #expect(try d.lifecycle.close(at: Driver.t(4)) == nil)
        try d.feed(true, frames: 20)
        try d.feed(false, frames: 3)
        let ended = try #require(try d.lifecycle.close(at: Driver.t(27)))
        #expect(ended.phase == .ended && ended.endTime == Driver.t(25) && ended.time == Driver.t(27))
        #expect(!d.lifecycle.isStarted)
    }

    @Test func makeEventBuildsTheEvent() throws {
        var lifecycle = EventLifecycle(.init(minDuration: 0))
        var ids = EventIDSequence(cameraID: "cam1", ruleID: "quai-2-intrusion", session: Fixtures.session, first: 17)
        let object = EventObject(trackID: 4, box: NormalisedRect(x: 0.1, y: 0.2, width: 0.1, height: 0.3))
        let event = try #require(
            try lifecycle.observe(active: true, at: Timestamp(seconds: 3), ids: &ids) { transition in
                Event(transition, kind: .intrusion, zoneID: "quai-2", objects: [object], score: 0.9)
            })
        #expect(event.id == "cam1/quai-2-intrusion/s1-17")
        #expect(event.phase == .started && event.kind == .intrusion && event.zoneID == "quai-2")
        #expect(event.cameraID == "cam1" && event.ruleID == "quai-2-intrusion")
        #expect(event.startTime == Timestamp(seconds: 3) && event.time == Timestamp(seconds: 3) && event.endTime == nil)
        #expect(ids.nextNumber == 18)
    }

    @Test func lifecyclesOfOneRuleShareTheSequence() throws {
        var ids = EventIDSequence(cameraID: "cam1", ruleID: "r", session: Fixtures.session)
        var lifecycles: [Int: EventLifecycle] = [:]
        var started: [String] = []
        for frame in 0..<10 {
            for track in [7, 3] where frame >= (track == 3 ? 5 : 0) {
                if let t = try lifecycles[track, default: EventLifecycle(.init(minDuration: 0.2))].observe(
                    active: true, at: Driver.t(frame), ids: &ids), t.phase == .started
                {
                    started.append(t.id)
                }
            }
        }
        #expect(started == ["cam1/r/s1-1", "cam1/r/s1-2"])
    }
}

/// A tiny deterministic generator (SplitMix64) so flapping patterns are reproducible.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
