import ArgumentParser
import Foundation
import Vigie

/// `vigie journal verify|show FILE`: the auditor's side of the alert journal.
struct JournalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journal",
        abstract: "Check or list an alert journal (the tamper-evident record of alerts and configuration changes).",
        discussion: "The format and what an auditor does are described in Documentation/Journal.md.",
        subcommands: [Verify.self, Show.self])

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify a journal: `OK: N entries, last hash H` and exit 0, or `TAMPERED: line L: reason` and exit 1.",
            discussion: """
                Detects any edited, removed, reordered, duplicated or truncated entry, and, with the journal's \
                key (--key, default FILE.key when it exists), any entry forged or re-signed without the key. \
                An authenticated journal whose key is not given is UNVERIFIED (exit 1); a journal written \
                without key verifies with a note that it is unauthenticated. Entries removed from the end can \
                only be caught against a hash noted at an earlier visit: pass it with --anchor.
                """)

        @Argument(help: "The journal file (JSON Lines).")
        var file: String

        @Option(help: "A `last hash` printed by an earlier verification: the journal must still hold that entry.")
        var anchor: String?

        @Option(help: "The journal's key file (repeat for keys it was rotated from); default FILE.key when it exists.")
        var key: [String] = []

        func validate() throws {
            if let anchor, anchor.count != 64 || !anchor.allSatisfy(\.isHexDigit) {
                throw ValidationError("--anchor must be 64 hexadecimal digits (a SHA-256), got \"\(anchor)\"")
            }
        }

        func run() throws {
            let report: JournalReport
            do {
                try checkJournalPath(file)
                report = try JournalVerifier().verify(path: file, anchor: anchor, keys: try journalKeys(key, journal: file))
            } catch {
                throw fail(error)
            }
            print(report.description)
            if !report.isIntact || !report.missingKeyIDs.isEmpty { throw ExitCode(1) }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List a journal's entries, one per line, then verify it as `verify` does (same exit codes).")

        @Argument(help: "The journal file (JSON Lines).")
        var file: String

        @Option(help: "The journal's key file (repeat for keys it was rotated from); default FILE.key when it exists.")
        var key: [String] = []

        func run() throws {
            let (entries, report): ([JournalEntry], JournalReport)
            do {
                try checkJournalPath(file)
                (entries, report) = try JournalVerifier().entries(path: file, keys: try journalKeys(key, journal: file))
            } catch {
                throw fail(error)
            }
            for entry in entries {
                var text = "#\(entry.sequence) \(entry.time) \(entry.type.rawValue)"
                if let alert = entry.alert {
                    text += " \(alert.kind) \(alert.phase) \(alert.id)"
                } else if let configuration = entry.configuration {
                    text += " camera \(configuration.cameraID) scene \(configuration.sceneHash.prefix(16))…"
                } else if let retention = entry.retention {
                    text +=
                        " pruned \(retention.prunedCount) entries up to #\(retention.lastPrunedSequence)"
                        + " (older than \(retention.months) months: before \(retention.cutoff))"
                } else if let rotation = entry.keyRotation {
                    text += " new key \(rotation.newKeyID)"
                } else if let decision = entry.decision {
                    text += " \(decision.eventID) \(decision.decision) by \(decision.operator)"
                }
                print(text)
            }
            print(report.description)
            if !report.isIntact || !report.missingKeyIDs.isEmpty { throw ExitCode(1) }
        }
    }
}

/// The keys of `paths`, else the key file beside `journal` if there is one, else none.
func journalKeys(_ paths: [String], journal: String) throws -> JournalKeyring {
    if !paths.isEmpty { return JournalKeyring(try paths.map { try JournalKey.load(path: $0) }) }
    let beside = JournalKey.defaultPath(forJournal: journal)
    guard FileManager.default.fileExists(atPath: beside) else { return JournalKeyring() }
    return JournalKeyring([try JournalKey.load(path: beside)])
}

/// A journal path that is not a readable file: said plainly (Foundation's message for a folder is
/// "NSCocoaErrorDomain error 256").
struct JournalPathProblem: Error, CustomStringConvertible {
    var path: String
    var reason: String
    var what = "journal"
    var description: String { "cannot open \(what) \(path): \(reason)" }
}

func checkJournalPath(_ path: String) throws {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw JournalPathProblem(path: path, reason: "no such file")
    }
    guard !isDirectory.boolValue else {
        throw JournalPathProblem(path: path, reason: "is a folder (give the journal file, for example alerts.journal)")
    }
    guard FileManager.default.isReadableFile(atPath: path) else {
        throw JournalPathProblem(path: path, reason: "permission denied")
    }
}
