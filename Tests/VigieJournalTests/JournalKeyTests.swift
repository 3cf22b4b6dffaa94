import Foundation
import Testing
import VigieCore
import VigieEvents
import VigieJournal

/// Issue 21: a journal an attacker cannot re-sign. Entries carry a key id and an HMAC-SHA256
/// under the key; a forged entry with a recomputed hash, or a journal re-signed with another key,
/// fails verification unless the forger holds the key.
@Suite("Journal keys: authenticated entries")
struct JournalKeyTests {
    private let verifier = JournalVerifier()

    /// A keyed journal: a configuration entry and `alerts` alerts, authenticated by `key`.
    static func journal(_ name: String, key: JournalKey, alerts: Int = 4) throws -> String {
        let path = JournalFixtures.temporaryPath(name)
        let writer = try JournalWriter(path: path, key: key, synchronise: false)
        try writer.recordConfiguration(sceneData: JournalFixtures.scene)
        for n in 0..<alerts { try writer.recordAlert(JournalFixtures.event(n)) }
        writer.close()
        return path
    }

    /// Recomputes a line's hash after an edit of its body, as a forger without the key would
    /// (the chain of the following lines is fixed up the same way).
    static func rehash(_ lines: [[UInt8]], editing index: Int, _ edit: (String) -> String) -> [[UInt8]] {
        var out = lines
        var previous: String? = index > 0 ? Journal.sha256Hex(out[index - 1].dropLast()) : nil
        for i in index..<lines.count {
            var text = String(decoding: out[i].dropLast(), as: UTF8.self)
            if i == index { text = edit(text) }
            if let previous {
                text = text.replacingOccurrences(
                    of: #""previousHash":"[0-9a-f]{64}""#, with: #""previousHash":"\#(previous)""#,
                    options: .regularExpression)
            }
            // Body: everything after the hash (and MAC) header members.
            let headerEnd = text.range(of: #"^\{"hash":"[0-9a-f]{64}",("mac":"[0-9a-f]{64}",)?"#, options: .regularExpression)!
            let body = "{" + text[headerEnd.upperBound...]
            let hash = Journal.sha256Hex(Array(body.utf8))
            text = #"{"hash":""# + hash + text[text.index(text.startIndex, offsetBy: 73)...]
            out[i] = Array((text + "\n").utf8)
            previous = Journal.sha256Hex(out[i].dropLast())
        }
        return out
    }

    @Test func everyEntryCarriesTheKeyIDAndVerifiesWithTheKey() throws {
        let key = JournalKey.generate()
        let path = try Self.journal("keyed", key: key)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (entries, report) = try verifier.entries(path: path, keys: JournalKeyring([key]))
        #expect(report.isAuthenticated && report.authenticatedCount == 5, "\(report)")
        #expect(entries.allSatisfy { $0.keyID == key.id && $0.mac?.count == 64 })
        #expect(key.id.count == 16 && key.id == String(Journal.sha256Hex(Self.keyBytes(key)).prefix(16)))
        #expect(report.description.hasPrefix("OK: 5 entries") && report.description.contains(key.id))
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains(#""schema":"vigie.journal/2""#) && !text.contains(Self.keyHex(key)))
    }

    @Test func aForgedEntryWithARecomputedHashFails() throws {
        let key = JournalKey.generate()
        let path = try Self.journal("forged", key: key)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let lines = JournalFixtures.lines(try JournalFixtures.bytes(path))
        // Entry 3 says the situation ended rather than being updated; the hashes are recomputed.
        let forged = Self.rehash(lines, editing: 2) { $0.replacingOccurrences(of: #""phase":"updated""#, with: #""phase":"ended""#) }
        #expect(forged[2] != lines[2])
        // Without the key, the hash chain alone accepts it (what issue 21 reported)...
        let unkeyed = verifier.verify(contents: Array(forged.joined()))
        #expect(unkeyed.isIntact && !unkeyed.isAuthenticated && unkeyed.missingKeyIDs == [key.id])
        #expect(unkeyed.description.hasPrefix("UNVERIFIED"))
        // ... the key does not.
        let keyed = verifier.verify(contents: Array(forged.joined()), keys: JournalKeyring([key]))
        #expect(keyed.problem == JournalProblem(line: 3, reason: .forged), "\(keyed)")
        #expect(keyed.description.hasPrefix("TAMPERED: line 3"))
        // Stripping the MACs and key ids (an "old", unkeyed journal) does not pass with the key either.
        let stripped = Self.strip(lines)
        let report = verifier.verify(contents: Array(stripped.joined()), keys: JournalKeyring([key]))
        #expect(report.problem?.reason == .unauthenticated, "\(report)")
        // Nor does stripping only the tail.
        let tail = Array(lines.prefix(3)) + Array(Self.strip(lines).suffix(2))
        let fixed = Self.rehash(tail, editing: 3) { $0 }
        #expect(verifier.verify(contents: Array(fixed.joined()), keys: JournalKeyring([key])).problem?.reason == .unauthenticated)
        // And the writer refuses to continue the forged journal.
        try Data(forged.joined()).write(to: URL(fileURLWithPath: path))
        #expect(throws: JournalError.broken(path: path, problem: JournalProblem(line: 3, reason: .forged))) {
            try JournalWriter(path: path, key: key, synchronise: false)
        }
    }

    @Test func aWrongKeyFails() throws {
        let key = JournalKey.generate(), other = JournalKey.generate()
        let path = try Self.journal("wrong-key", key: key)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let report = try verifier.verify(path: path, keys: JournalKeyring([other]))
        #expect(report.problem == JournalProblem(line: 1, reason: .unknownKey(key.id)), "\(report)")
        // A journal re-signed with the forger's own key: its key id is not the auditor's.
        let resigned = JournalFixtures.temporaryPath("resigned")
        defer { try? FileManager.default.removeItem(atPath: resigned) }
        let forger = try JournalWriter(path: resigned, key: other, synchronise: false)
        try forger.recordConfiguration(sceneData: JournalFixtures.scene)
        forger.close()
        #expect(try verifier.verify(path: resigned, keys: JournalKeyring([key])).problem?.reason == .unknownKey(other.id))
        // A writer with another key refuses to append.
        #expect(throws: JournalError.keyMismatch(path: path, journalKeyID: key.id, givenKeyID: other.id)) {
            try JournalWriter(path: path, key: other, synchronise: false)
        }
        #expect(throws: JournalError.keyMismatch(path: path, journalKeyID: key.id, givenKeyID: nil)) {
            try JournalWriter(path: path, synchronise: false)
        }
    }

    @Test func rotationVerifiesWithBothKeysAndTheChainCarriesOn() throws {
        let old = JournalKey.generate(), new = JournalKey.generate()
        let path = try Self.journal("rotation", key: old, alerts: 2)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try JournalWriter(path: path, key: old, synchronise: false)
        let rotation = try writer.rotateKey(to: new)
        #expect(rotation.keyID == old.id && rotation.keyRotation?.newKeyID == new.id)
        try writer.recordAlert(JournalFixtures.event(2))
        writer.close()
        // Reopened with the new key only: the old entries are covered by the chain.
        let reopened = try JournalWriter(path: path, key: new, synchronise: false)
        #expect(reopened.keyID == new.id)
        try reopened.recordAlert(JournalFixtures.event(3))
        reopened.close()

        let (entries, both) = try verifier.entries(path: path, keys: JournalKeyring([old, new]))
        #expect(both.isAuthenticated && both.entryCount == 6 && both.currentKeyID == new.id, "\(both)")
        #expect(entries.map(\.keyID) == [old.id, old.id, old.id, old.id, new.id, new.id])
        #expect(entries[3].type == .keyRotated)
        // With the new key only, the old entries' key is missing: named, and the verdict is not OK.
        #expect(try verifier.verify(path: path, keys: JournalKeyring([new])).problem?.reason == .unknownKey(old.id))
        // An entry after the rotation signed with the old key (by someone who kept it) is refused.
        let lines = JournalFixtures.lines(try JournalFixtures.bytes(path))
        let oldWriterPath = JournalFixtures.temporaryPath("rotation-old")
        defer { try? FileManager.default.removeItem(atPath: oldWriterPath) }
        try Data(lines.prefix(5).joined()).write(to: URL(fileURLWithPath: oldWriterPath))
        #expect(throws: JournalError.keyMismatch(path: oldWriterPath, journalKeyID: new.id, givenKeyID: old.id)) {
            try JournalWriter(path: oldWriterPath, key: old, synchronise: false)
        }
    }

    @Test func theKeyFileIsCreatedOwnerOnlyAndReadBack() throws {
        let path = JournalFixtures.temporaryPath("key") + ".key"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let created = try JournalKey.loadOrCreate(path: path)
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        #expect(mode == 0o600, "mode \(String(mode, radix: 8))")
        #expect(try JournalKey.loadOrCreate(path: path) == created)
        #expect(try String(contentsOfFile: path, encoding: .utf8).count == 65)
        // A key file others can read is refused.
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        #expect(throws: JournalError.self) { try JournalKey.load(path: path) }
        #expect(JournalKey.defaultPath(forJournal: "/var/lib/vigie/alerts.journal") == "/var/lib/vigie/alerts.journal.key")
    }

    @Test func anUnkeyedJournalStaysVerifiableWithANote() throws {
        let path = try JournalFixtures.journal("old", alerts: 2)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let report = try verifier.verify(path: path)
        #expect(report.isIntact && !report.isAuthenticated && report.unauthenticatedCount == 3)
        #expect(report.description.contains("note: the journal is unauthenticated"), "\(report)")
        // Continued with a key, it becomes authenticated from the next entry on, and verifies with the key.
        let key = JournalKey.generate()
        let writer = try JournalWriter(path: path, key: key, synchronise: false)
        try writer.recordAlert(JournalFixtures.event(2))
        writer.close()
        let upgraded = try verifier.verify(path: path, keys: JournalKeyring([key]))
        #expect(upgraded.isIntact && upgraded.authenticatedCount == 1 && upgraded.unauthenticatedCount == 3, "\(upgraded)")
    }

    @Test func operatorDecisionsAreJournaledAndAuthenticated() throws {
        let key = JournalKey.generate()
        let path = try Self.journal("decision", key: key, alerts: 1)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try JournalWriter(path: path, key: key, synchronise: false)
        let eventID = JournalFixtures.event(0).id
        let decidedAt = Journal.parseTime("2026-03-14T09:30:00.000Z")!
        let written = try writer.recordDecision(eventID: eventID, decision: "dismissed: false alarm", operator: "op-7",
                                                note: "maintenance crew", time: decidedAt)
        writer.close()
        #expect(written.type == .decision && written.keyID == key.id)
        let (entries, report) = try verifier.entries(path: path, keys: JournalKeyring([key]))
        #expect(report.isAuthenticated)
        let decision = try #require(entries.last?.decision)
        #expect(decision == JournalEntry.Decision(eventID: eventID, decision: "dismissed: false alarm", operator: "op-7",
                                                  note: "maintenance crew", decidedAt: "2026-03-14T09:30:00.000Z"))
        // Changing the decision text and recomputing the hash is caught.
        let lines = JournalFixtures.lines(try JournalFixtures.bytes(path))
        let forged = Self.rehash(lines, editing: lines.count - 1) { $0.replacingOccurrences(of: "dismissed", with: "escalated") }
        #expect(verifier.verify(contents: Array(forged.joined()), keys: JournalKeyring([key])).problem
                == JournalProblem(line: lines.count, reason: .forged))
    }

    // MARK: - Helpers

    /// The lines with their MAC header, key id and schema 2 removed, hashes recomputed.
    static func strip(_ lines: [[UInt8]]) -> [[UInt8]] {
        let plain = lines.map { line -> [UInt8] in
            var text = String(decoding: line, as: UTF8.self)
            text = text.replacingOccurrences(of: #""mac":"[0-9a-f]{64}","#, with: "", options: .regularExpression)
            text = text.replacingOccurrences(of: #""keyID":"[0-9a-f]{16}","#, with: "", options: .regularExpression)
            text = text.replacingOccurrences(of: "vigie.journal/2", with: "vigie.journal/1")
            return Array(text.utf8)
        }
        return rehash(plain, editing: 0) { $0 }
    }

    static func keyHex(_ key: JournalKey) -> String {
        let path = JournalFixtures.temporaryPath("hex")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try! key.write(to: path)
        return try! String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .newlines)
    }

    static func keyBytes(_ key: JournalKey) -> [UInt8] {
        let hex = Array(keyHex(key).utf8)
        return stride(from: 0, to: hex.count, by: 2).map { UInt8(String(decoding: hex[$0..<$0 + 2], as: UTF8.self), radix: 16)! }
    }
}
