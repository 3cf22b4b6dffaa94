import Foundation
import Testing
import VigieCore
import VigieEvents
import VigieJournal

@Suite("Journal writer and chain")
struct JournalWriterTests {
    @Test func sha256MatchesTheStandardVector() {
        #expect(Journal.sha256Hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Journal.sha256Hex([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func writtenChainVerifiesAndFollowsTheDocumentedForm() throws {
        let path = JournalFixtures.temporaryPath("chain")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try JournalWriter(path: path, synchronise: false)
        let configuration = try writer.recordConfiguration(sceneData: Data("abc".utf8), cameraID: "cam-a")
        #expect(configuration.sequence == 1 && configuration.previousHash == Journal.genesisHash)
        #expect(configuration.configuration?.sceneHash == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        var written = [configuration]
        for n in 0..<4 { written.append(try writer.recordAlert(JournalFixtures.event(n))) }
        writer.close()

        let lines = JournalFixtures.lines(try JournalFixtures.bytes(path))
        #expect(lines.count == 5)
        var previous = Journal.genesisHash
        for (i, full) in lines.enumerated() {
            #expect(full.last == 0x0A)
            let line = Array(full.dropLast())
            // The canonical body is "{" + everything after `{"hash":"<64>",`; its SHA-256 is the hash.
            #expect(line.starts(with: Array(#"{"hash":""#.utf8)))
            let hash = String(decoding: line[9..<73], as: UTF8.self)
            let body = [UInt8(ascii: "{")] + line[75...]
            #expect(Journal.sha256Hex(body) == hash)
            #expect(written[i].hash == hash && written[i].sequence == i + 1)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
            #expect(object["previousHash"] as? String == previous)
            #expect(object["sequence"] as? Int == i + 1)
            #expect(object["library"] as? String == VigieVersion.current)
            #expect(object["schema"] as? String == "vigie.journal/1")
            #expect(object["sceneHash"] as? String == configuration.configuration?.sceneHash)
            let time = try #require(object["time"] as? String)
            #expect(time.hasSuffix("Z") && Journal.parseTime(time) != nil)
            if i > 0 {
                // The event is embedded exactly as its own JSON line.
                let text = String(decoding: line, as: UTF8.self)
                #expect(text.contains(#""alert":"# + (try JournalFixtures.event(i - 1).jsonLine())))
                #expect(object["type"] as? String == "alert")
            }
            previous = Journal.sha256Hex(line)
        }
        let report = try JournalVerifier().verify(path: path)
        #expect(report.isIntact && report.entryCount == 5 && report.lastSequence == 5)
        #expect(report.lastHash == written.last?.hash && report.headLineHash == previous)
        #expect(report.description.hasPrefix("OK: 5 entries, last hash \(written[4].hash)\nnote: the journal is unauthenticated"))
    }

    @Test func reopeningContinuesTheChain() throws {
        let path = try JournalFixtures.journal("reopen", alerts: 2)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let before = try JournalVerifier().verify(path: path)
        let writer = try JournalWriter(path: path, synchronise: false)
        #expect(writer.sequence == 3)
        #expect(writer.sceneHash == Journal.sha256Hex(JournalFixtures.scene))
        let next = try writer.recordAlert(JournalFixtures.event(2))
        #expect(next.sequence == 4 && next.previousHash == before.headLineHash)
        #expect(next.sceneHash == Journal.sha256Hex(JournalFixtures.scene))
        writer.close()
        let after = try JournalVerifier().verify(path: path)
        #expect(after.isIntact && after.entryCount == 4 && after.lastHash == next.hash)
    }

    @Test func refusesToAppendToABrokenJournal() throws {
        let path = try JournalFixtures.journal("broken", alerts: 3)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var bytes = try JournalFixtures.bytes(path)
        let lines = JournalFixtures.lines(bytes)
        let offset = lines[0].count + lines[1].count + 120  // inside line 3
        bytes[offset] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(throws: JournalError.broken(path: path, problem: JournalProblem(line: 3, reason: .edited))) {
            try JournalWriter(path: path, synchronise: false)
        }
        #expect(try JournalFixtures.bytes(path) == bytes, "nothing appended")
    }

    @Test func aSecondWriterIsLockedOut() throws {
        let path = JournalFixtures.temporaryPath("locked")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let first = try JournalWriter(path: path, synchronise: false)
        #expect(throws: JournalError.locked(path: path)) { try JournalWriter(path: path, synchronise: false) }
        first.close()
        let second = try JournalWriter(path: path, synchronise: false)
        second.close()
    }

    @Test func configurationNeedsACameraID() throws {
        let path = JournalFixtures.temporaryPath("scene")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try JournalWriter(path: path, synchronise: false)
        #expect(throws: JournalError.invalidScene(path: path, reason: "the scene file has no cameraID string")) {
            try writer.recordConfiguration(sceneData: Data(#"{"zones":[]}"#.utf8))
        }
        #expect(throws: JournalError.invalidScene(path: path, reason: "the scene file is not a JSON object")) {
            try writer.recordConfiguration(sceneData: Data("not json".utf8))
        }
        let entry = try writer.recordConfiguration(sceneData: JournalFixtures.scene)
        #expect(entry.configuration?.cameraID == "platform-3" && entry.sequence == 1)
        #expect(writer.sceneHash == Journal.sha256Hex(JournalFixtures.scene))
    }

    @Test func unencodableEventWritesNothing() throws {
        let path = JournalFixtures.temporaryPath("nan")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try JournalWriter(path: path, synchronise: false)
        var event = JournalFixtures.event(0)
        event.measurements.density = .nan
        #expect {
            try writer.recordAlert(event)
        } throws: { error in
            guard case .unencodable = error as? JournalError else { return false }
            return true
        }
        #expect(try JournalFixtures.bytes(path).isEmpty && writer.sequence == 0)
    }

    @Test func sinkJournalsEveryPhase() throws {
        let path = JournalFixtures.temporaryPath("sink")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try JournalWriter(path: path, synchronise: false)
        let sink = JournalSink(writer: writer)
        for n in 0..<6 { try sink.send(JournalFixtures.event(n)) }
        sink.flush()
        writer.close()
        let (entries, report) = try JournalVerifier().entries(path: path)
        #expect(report.isIntact)
        #expect(entries.map { $0.alert?.phase } == ["started", "updated", "ended", "started", "updated", "ended"])
        #expect(entries.map { $0.alert?.id } == (0..<6).map { JournalFixtures.event($0).id })
    }

    @Test func concurrentWritersOnOneJournalKeepOneChain() async throws {
        let path = JournalFixtures.temporaryPath("threads")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try JournalWriter(path: path, synchronise: false)
        await withTaskGroup(of: Void.self) { group in
            for camera in 0..<4 {
                group.addTask {
                    for n in 0..<25 { _ = try? writer.recordAlert(JournalFixtures.event(camera * 25 + n)) }
                }
            }
        }
        writer.close()
        let report = try JournalVerifier().verify(path: path)
        #expect(report.isIntact && report.entryCount == 100)
    }
}
