import Foundation
import Testing
import Vigie

@Suite("vigie journal", .enabled(if: CLI.isBuilt, "needs the vigie executable built beside the tests (swift build)"))
struct JournalCLITests {
    /// A journal with a configuration entry and three alerts; returns its path and last hash.
    private func makeJournal(_ name: String) throws -> (path: String, lastHash: String) {
        let path = NSTemporaryDirectory() + "vigie-cli-journal-\(name)-\(UUID().uuidString).jsonl"
        let writer = try JournalWriter(path: path, synchronise: false)
        try writer.recordConfiguration(sceneData: Data(#"{"cameraID":"gate"}"#.utf8))
        var last = ""
        for n in 0..<3 {
            let event = Event(
                id: "gate/r/\(n + 1)", kind: .intrusion, phase: .started, ruleID: "r", cameraID: "gate",
                startTime: Timestamp(seconds: Double(n)), time: Timestamp(seconds: Double(n)))
            last = try writer.recordAlert(event).hash
        }
        writer.close()
        return (path, last)
    }

    @Test func verifyAGoodJournal() throws {
        let (path, lastHash) = try makeJournal("good")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try CLI.run(["journal", "verify", path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("OK: 4 entries, last hash \(lastHash)\nnote: the journal is unauthenticated"), "\(r.stdout)")
        #expect(try CLI.run(["journal", "verify", path, "--anchor", lastHash]).status == 0)
        let show = try CLI.run(["journal", "show", path])
        #expect(show.status == 0)
        let lines = show.stdout.split(separator: "\n")
        #expect(lines.count == 6 && lines[5].hasPrefix("note: ") && lines[0].contains("#1 ") && lines[0].contains("configuration camera gate"))
        #expect(lines[3].hasPrefix("#4 ") && lines[3].hasSuffix("alert intrusion started gate/r/3"))
    }

    @Test func verifyATamperedJournal() throws {
        let (path, _) = try makeJournal("tampered")
        defer { try? FileManager.default.removeItem(atPath: path) }
        var text = try String(contentsOfFile: path, encoding: .utf8)
        // An operator hides that alert 2 started: rule r becomes rule s in line 3.
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let edited = lines[2].replacingOccurrences(of: #""ruleID":"r""#, with: #""ruleID":"s""#)
        #expect(edited != lines[2])
        text = (lines[0..<2] + [Substring(edited)] + lines[3...]).joined(separator: "\n")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let r = try CLI.run(["journal", "verify", path])
        #expect(r.status == 1)
        #expect(r.stdout == "TAMPERED: line 3: entry edited: its content does not match its hash\n")

        // Dropping the last line leaves a valid chain, but not the anchored entry.
        let (second, anchor) = try makeJournal("anchored")
        defer { try? FileManager.default.removeItem(atPath: second) }
        let kept = try String(contentsOfFile: second, encoding: .utf8).split(separator: "\n").dropLast()
        try (kept.joined(separator: "\n") + "\n").write(toFile: second, atomically: true, encoding: .utf8)
        #expect(try CLI.run(["journal", "verify", second]).status == 0)
        let anchored = try CLI.run(["journal", "verify", second, "--anchor", anchor])
        #expect(anchored.status == 1 && anchored.stdout.hasPrefix("TAMPERED: line 3: no entry has the anchored hash"))
    }

    @Test func missingFileAndBadUsage() throws {
        let missing = try CLI.run(["journal", "verify", "/nonexistent/journal.jsonl"])
        #expect(missing.status == 1)
        #expect(missing.stderr == "vigie: cannot open journal /nonexistent/journal.jsonl: no such file\n")
        #expect(try CLI.run(["journal", "verify"]).status == 64)
        #expect(try CLI.run(["journal", "verify", "x", "--anchor", "abc"]).status == 64)
    }
}
