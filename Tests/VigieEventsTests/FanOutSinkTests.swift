import Testing
import VigieCore
import VigieEvents

@Suite("Fan-out sink")
struct FanOutSinkTests {
    /// Fails every send (and flush) with its name, after counting it.
    final class FailingSink: EventSink {
        struct Failure: Error, Equatable { var name: String }
        let name: String
        var sends = 0
        var flushes = 0
        init(_ name: String) { self.name = name }
        func send(_ event: Event) throws {
            sends += 1
            throw Failure(name: name)
        }
        func flush() throws {
            flushes += 1
            throw Failure(name: name)
        }
    }

    @Test func everySinkGetsEveryEventAndTheFirstErrorIsRethrown() throws {
        let first = FailingSink("webhook"), second = FailingSink("other")
        var fan = FanOutSink([first, CollectingSink(), second])
        #expect(throws: FailingSink.Failure(name: "webhook")) { try fan.send(Fixtures.minimal) }
        #expect(throws: FailingSink.Failure(name: "webhook")) { try fan.send(Fixtures.full) }
        #expect(throws: FailingSink.Failure(name: "webhook")) { try fan.flush() }
        #expect(first.sends == 2 && second.sends == 2 && first.flushes == 1 && second.flushes == 1)
        let collected = try #require(fan.sinks[1] as? CollectingSink)
        #expect(collected.events == [Fixtures.minimal, Fixtures.full] && collected.flushCount == 1)
    }
}
