import Foundation
import Testing
import VigieCore
import VigieEvents

@Suite("JSON Lines sink")
struct JSONLinesSinkTests {
    private func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory
            .appendingPathComponent("vigie-events-\(name)-\(UUID().uuidString).jsonl").path
    }

    private func read(_ path: String) throws -> String {
        String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
    }

    @Test func writesOneLinePerEventVisibleAfterEachSend() throws {
        let path = temporaryPath("lines")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let sink = try JSONLinesSink(path: path, mode: .truncate)
        let events = Fixtures.sample
        for (i, event) in events.enumerated() {
            try sink.send(event)
            // Read back without closing or flushing: the line is already in the file.
            let text = try read(path)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.count == i + 2, "one line per event plus the empty tail after the last newline")
            #expect(lines.last == "")
            #expect(try Event(jsonLine: String(lines[i])) == event)
        }
        try sink.flush()
        try sink.close()
        #expect(try EventDecoder().decodeLines(read(path)) == events)
    }

    @Test func appendKeepsAndTruncateEmpties() throws {
        let path = temporaryPath("modes")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("previous\n".utf8).write(to: URL(fileURLWithPath: path))
        do {
            let sink = try JSONLinesSink(path: path)
            try sink.send(Fixtures.minimal)
        }
        #expect(try read(path) == "previous\n" + (try Fixtures.minimal.jsonLine()) + "\n")
        do {
            let sink = try JSONLinesSink(path: path, mode: .truncate)
            try sink.send(Fixtures.full)
        }
        #expect(try read(path) == (try Fixtures.full.jsonLine()) + "\n")
    }

    @Test func errorsCarryPathAndReason() throws {
        let path = "/nonexistent-vigie-dir/events.jsonl"
        #expect {
            try JSONLinesSink(path: path)
        } throws: { error in
            guard let e = error as? EventSinkError, case .cannotOpen = e else { return false }
            return e.path == path && e.reason.contains("No such file") && e.description.contains(path)
        }
        let ok = temporaryPath("closed")
        defer { try? FileManager.default.removeItem(atPath: ok) }
        let sink = try JSONLinesSink(path: ok)
        try sink.close()
        try sink.close()
        #expect(throws: EventSinkError.closed(path: ok)) { try sink.send(Fixtures.minimal) }
    }

    @Test func unencodableEventWritesNothing() throws {
        let path = temporaryPath("nan")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let sink = try JSONLinesSink(path: path)
        var event = Fixtures.minimal
        event.score = .infinity
        #expect {
            try sink.send(event)
        } throws: { error in
            guard case .unencodable = error as? EventSinkError else { return false }
            return true
        }
        #expect(try read(path).isEmpty)
    }

    @Test func sinksWorkThroughTheProtocol() throws {
        func deliver(_ events: [Event], to sink: inout some EventSink) throws {
            for event in events { try sink.send(event) }
            try sink.flush()
        }
        var collecting = CollectingSink()
        try deliver(Fixtures.sample, to: &collecting)
        #expect(collecting.events == Fixtures.sample)
        #expect(collecting.flushCount == 1)
        collecting.removeAll()
        #expect(collecting.events.isEmpty)

        struct Counting: EventSink {  // relies on the default flush()
            var count = 0
            mutating func send(_ event: Event) throws { count += 1 }
        }
        var counting = Counting()
        try deliver([Fixtures.full], to: &counting)
        #expect(counting.count == 1)
    }
}
