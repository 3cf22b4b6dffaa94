import Foundation
import Testing
import VigieCore
import VigieEvents
import VigieJournal

@Suite("Journal verifier: tampering")
struct JournalVerifierTests {
    private let verifier = JournalVerifier()

    private func verify(_ lines: [[UInt8]], anchor: String? = nil) -> JournalReport {
        verifier.verify(contents: Array(lines.joined()), anchor: anchor)
    }

    @Test func editingAnySingleByteIsDetectedOnItsLine() throws {
        let path = try JournalFixtures.journal("every-byte", alerts: 3)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let original = try JournalFixtures.bytes(path)
        #expect(verifier.verify(contents: original).isIntact)
        let lines = JournalFixtures.lines(original)
        var offset = 0
        var checked = 0
        for (index, line) in lines.enumerated() {
            for position in 0..<(line.count - 1) {  // every byte but the newline
                var bytes = original
                var changed = bytes[offset + position] ^ 0x01
                if changed == 0x0A { changed = bytes[offset + position] ^ 0x02 }
                bytes[offset + position] = changed
                let report = verifier.verify(contents: bytes)
                let problem = try #require(report.problem, "byte \(position) of line \(index + 1)")
                #expect(problem.line == index + 1, "byte \(position) of line \(index + 1): \(problem)")
                // The 11 bytes framing the hash (`{"hash":"` and `",`) make the line unreadable;
                // any other byte, hash digits included, breaks the hash.
                let framing = position < 9 || position == 73 || position == 74
                if framing {
                    #expect(isMalformed(problem.reason), "byte \(position) of line \(index + 1): \(problem)")
                } else {
                    #expect(problem.reason == .edited, "byte \(position) of line \(index + 1): \(problem)")
                }
                #expect(report.entryCount == index)
                checked += 1
            }
            offset += line.count
        }
        #expect(checked == original.count - lines.count)
    }

    private func isMalformed(_ reason: JournalProblem.Reason) -> Bool {
        if case .malformed = reason { return true }
        return false
    }

    @Test func removingAnEntryIsDetected() throws {
        let path = try JournalFixtures.journal("remove", alerts: 5)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let lines = JournalFixtures.lines(try JournalFixtures.bytes(path))  // 6 entries

        var middle = lines
        middle.remove(at: 2)
        #expect(verify(middle).problem == JournalProblem(line: 3, reason: .removed(firstMissing: 3, lastMissing: 3)))

        var two = lines
        two.removeSubrange(2...3)
        #expect(verify(two).problem == JournalProblem(line: 3, reason: .removed(firstMissing: 3, lastMissing: 4)))

        var first = lines
        first.removeFirst()
        #expect(verify(first).problem == JournalProblem(line: 1, reason: .removed(firstMissing: 1, lastMissing: 1)))

        // The end: invisible to the chain alone, caught by the auditor's anchor.
        let full = verify(lines)
        var last = lines
        last.removeLast()
        #expect(verify(last).isIntact)
        let anchored = verify(last, anchor: full.lastHash)
        #expect(anchored.problem == JournalProblem(line: 5, reason: .anchorMissing(full.lastHash!)))
        // An older anchor is still found after entries were appended.
        #expect(verify(lines, anchor: verify(last).lastHash).isIntact)
    }

    @Test func swappingOrDuplicatingEntriesIsDetected() throws {
        let path = try JournalFixtures.journal("swap", alerts: 5)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let lines = JournalFixtures.lines(try JournalFixtures.bytes(path))

        var adjacent = lines
        adjacent.swapAt(2, 3)
        #expect(verify(adjacent).problem == JournalProblem(line: 3, reason: .reordered(expected: 3, found: 4)))

        var distant = lines
        distant.swapAt(0, 4)
        #expect(verify(distant).problem == JournalProblem(line: 1, reason: .reordered(expected: 1, found: 5)))

        var moved = lines
        moved.append(moved.remove(at: 1))
        #expect(verify(moved).problem == JournalProblem(line: 2, reason: .reordered(expected: 2, found: 3)))

        var duplicated = lines
        duplicated.insert(lines[2], at: 3)
        #expect(verify(duplicated).problem == JournalProblem(line: 4, reason: .reordered(expected: 4, found: 3)))
    }

    @Test func replacingAnEntryBreaksTheChain() throws {
        // Two journals written alike but for one event: line 3 of the other one is a valid
        // entry with the right sequence, but it does not chain to this journal's line 2.
        let a = try JournalFixtures.journal("splice-a", alerts: 4)
        let bPath = JournalFixtures.temporaryPath("splice-b")
        defer {
            try? FileManager.default.removeItem(atPath: a)
            try? FileManager.default.removeItem(atPath: bPath)
        }
        let b = try JournalWriter(path: bPath, synchronise: false)
        try b.recordConfiguration(sceneData: Data(#"{"cameraID":"other"}"#.utf8))
        for n in 0..<4 { try b.recordAlert(JournalFixtures.event(n)) }
        b.close()
        var lines = JournalFixtures.lines(try JournalFixtures.bytes(a))
        lines[2] = JournalFixtures.lines(try JournalFixtures.bytes(bPath))[2]
        #expect(verify(lines).problem == JournalProblem(line: 3, reason: .chainBroken))
    }

    @Test func truncatedLastLineIsDetected() throws {
        let path = try JournalFixtures.journal("truncate", alerts: 3)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let bytes = try JournalFixtures.bytes(path)
        let lines = JournalFixtures.lines(bytes)
        let lastStart = bytes.count - lines[3].count
        for cut in [1, lines[3].count / 2, lines[3].count - 1] {
            let report = verifier.verify(contents: Array(bytes[..<(lastStart + cut)]))
            #expect(report.problem == JournalProblem(line: 4, reason: .truncated), "cut at \(cut)")
            #expect(report.entryCount == 3)
        }
    }

    @Test func malformedLinesAreNamed() throws {
        let path = try JournalFixtures.journal("malformed", alerts: 2)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var lines = JournalFixtures.lines(try JournalFixtures.bytes(path))
        lines.insert(Array("\n".utf8), at: 1)
        #expect(verify(lines).problem == JournalProblem(line: 2, reason: .malformed("blank line")))
        lines[1] = Array("hello\n".utf8)
        #expect(verify(lines).problem?.line == 2)
        #expect(verifier.verify(contents: []).description == "OK: 0 entries, last hash none (empty journal)")
    }

    @Test func missingFileIsAnErrorNotAReport() {
        #expect(throws: JournalError.cannotOpen(path: "/nonexistent/journal.jsonl", reason: "no such file")) {
            try JournalVerifier().verify(path: "/nonexistent/journal.jsonl")
        }
    }
}

@Suite("Journal retention")
struct JournalRetentionTests {
    @Test func pruningKeepsAVerifiableChainAndJournalsItself() throws {
        let path = JournalFixtures.temporaryPath("retention")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let clock = TestClock("2025-01-10T08:00:00.000Z")
        let writer = try JournalWriter(path: path, synchronise: false, now: { clock.now() })
        try writer.recordConfiguration(sceneData: JournalFixtures.scene)
        for n in 0..<3 { try writer.recordAlert(JournalFixtures.event(n)) }  // 1…4, January 2025
        clock.set("2025-06-01T12:00:00.000Z")
        for n in 3..<5 { try writer.recordAlert(JournalFixtures.event(n)) }  // 5, 6, June 2025
        let before = try JournalVerifier().verify(path: path)
        let kept = Array(JournalFixtures.lines(try JournalFixtures.bytes(path))[4...])

        clock.set("2026-03-01T00:00:00.000Z")  // default 12 months: cutoff 2025-03-01
        #expect(try writer.pruneExpired() == 4)
        let after = try JournalVerifier().verify(path: path)
        #expect(after.isIntact && after.entryCount == 3 && after.firstSequence == 5 && after.lastSequence == 7)
        #expect(after.prunedCount == 4)
        let lines = JournalFixtures.lines(try JournalFixtures.bytes(path))
        #expect(Array(lines[0...1]) == kept, "kept entries are unchanged, byte for byte")
        let (entries, _) = try JournalVerifier().entries(path: path)
        let retention = try #require(entries.last?.retention)
        #expect(entries.last?.type == .retention && entries.last?.previousHash == before.headLineHash)
        #expect(retention.prunedCount == 4 && retention.lastPrunedSequence == 4 && retention.months == 12)
        #expect(retention.cutoff == "2025-03-01T00:00:00.000Z")
        #expect(retention.lastPrunedLineHash == entries.first?.previousHash)
        #expect(entries.last?.sceneHash == Journal.sha256Hex(JournalFixtures.scene), "the scene in force survives pruning")
        #expect(try writer.pruneExpired() == 0, "nothing more has expired")

        // The pruned file still detects tampering at its start.
        var headless = lines
        headless.removeFirst()
        #expect(
            JournalVerifier().verify(contents: Array(headless.joined())).problem
                == JournalProblem(line: 1, reason: .removed(firstMissing: 5, lastMissing: 5)))

        // The writer goes on appending after pruning.
        let next = try writer.recordAlert(JournalFixtures.event(5))
        #expect(next.sequence == 8)
        writer.close()
        #expect(try JournalVerifier().verify(path: path).isIntact)

        // Opening prunes: everything has expired by 2028, the new file is one retention entry.
        clock.set("2028-01-01T00:00:00.000Z")
        let reopened = try JournalWriter(path: path, synchronise: false, now: { clock.now() })
        reopened.close()
        let final = try JournalVerifier().verify(path: path)
        #expect(final.isIntact && final.entryCount == 1 && final.firstSequence == 9)
    }

    @Test func foreverKeepsEverything() throws {
        let path = JournalFixtures.temporaryPath("forever")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let clock = TestClock("2020-01-01T00:00:00.000Z")
        let writer = try JournalWriter(path: path, retention: .forever, synchronise: false, now: { clock.now() })
        try writer.recordAlert(JournalFixtures.event(0))
        clock.set("2030-01-01T00:00:00.000Z")
        #expect(try writer.pruneExpired() == 0)
        #expect(Journal.Retention.default.months == 12 && Journal.Retention.forever.months == nil)
    }
}
