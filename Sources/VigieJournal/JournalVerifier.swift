import Foundation

/// The first thing wrong with a journal, and where: `line 7: entry edited: …`.
public struct JournalProblem: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong.
    public enum Reason: Sendable, Hashable, CustomStringConvertible {
        /// The line's content does not match its `hash`: the entry (or its hash) was edited.
        case edited
        /// Sequence numbers `firstMissing…lastMissing` are missing here and nowhere else in the file
        /// (for the first line: and no `retention` entry accounts for them).
        case removed(firstMissing: Int, lastMissing: Int)
        /// The line holds sequence `found` where `expected` belongs (and `expected`, if it exists,
        /// is elsewhere in the file): entries were moved or duplicated.
        case reordered(expected: Int, found: Int)
        /// The sequence is the expected one but `previousHash` is not the hash of the line before:
        /// an entry before it was replaced, or the chain spliced.
        case chainBroken
        /// The last line has no final newline: a write was cut short, or the end was cut off.
        case truncated
        /// The line is not a journal entry (not JSON, a missing member, a blank line, …).
        case malformed(String)
        /// No entry has the hash the auditor anchored: entries were removed from the end, pruned,
        /// or the journal was rewritten from that point.
        case anchorMissing(String)
        /// The entry's MAC is not its key's HMAC of its content: edited or forged (with a
        /// recomputed hash) by someone without the key.
        case forged
        /// The entry claims a key that was not given to the verifier (a wrong key file, or a
        /// journal re-signed with another key).
        case unknownKey(String)
        /// The entry is authenticated by another key than the one in force (set by the first
        /// authenticated entry, changed only by a `keyRotated` entry).
        case wrongKey(expected: String, found: String)
        /// The entry carries no MAC where one is required: after authenticated entries (stripped),
        /// or in a journal with no authenticated entry at all when the verifier was given a key.
        case unauthenticated

        /// A short English explanation.
        public var description: String {
            switch self {
            case .edited: "entry edited: its content does not match its hash"
            case .removed(let a, let b) where a == b: "entry removed: sequence \(a) is missing"
            case .removed(let a, let b): "entries removed: sequences \(a)…\(b) are missing"
            case .reordered(let expected, let found):
                "entries reordered: expected sequence \(expected), found \(found)"
            case .chainBroken: "chain broken: previousHash is not the hash of the line before"
            case .truncated: "last line truncated: no final newline"
            case .malformed(let detail): "malformed entry: \(detail)"
            case .anchorMissing(let hash): "no entry has the anchored hash \(hash): entries removed from the end, or rewritten"
            case .forged: "entry forged or edited: its MAC does not match its key"
            case .unknownKey(let id): "entry authenticated by key \(id), which was not given: wrong key, or the journal was re-signed"
            case .wrongKey(let expected, let found): "entry authenticated by key \(found) where key \(expected) is in force (no keyRotated entry)"
            case .unauthenticated: "entry carries no MAC where the journal is authenticated"
            }
        }
    }

    /// The 1-based line number in the file.
    public var line: Int
    /// What is wrong there.
    public var reason: Reason

    /// A problem at `line`.
    public init(line: Int, reason: Reason) {
        self.line = line
        self.reason = reason
    }

    /// `line 7: entry edited: its content does not match its hash`.
    public var description: String { "line \(line): \(reason)" }
}

/// What `JournalVerifier` found: how much of the journal is intact, and the first problem if any.
public struct JournalReport: Sendable, Hashable, CustomStringConvertible {
    /// Entries that verified, from the first line up to the problem (all of them if none).
    public var entryCount: Int
    /// The sequence number of the first line (1 unless entries were pruned); `nil` if empty.
    public var firstSequence: Int?
    /// The sequence number of the last intact entry; `nil` if none.
    public var lastSequence: Int?
    /// The `hash` of the last intact entry: what an auditor writes down to anchor the journal.
    public var lastHash: String?
    /// Hex SHA-256 of the last intact line: the `previousHash` the next entry will carry.
    public var headLineHash: String
    /// The scene file hash in force after the last intact entry.
    public var sceneHash: String?
    /// How many entries the file says were pruned (sum over its `retention` entries).
    public var prunedCount: Int
    /// The first problem, or `nil` if the whole file verifies.
    public var problem: JournalProblem?
    /// Intact entries whose MAC was checked against their key.
    public var authenticatedCount = 0
    /// Intact entries without key (written before the journal had one).
    public var unauthenticatedCount = 0
    /// Ids of keys that authenticate entries but were not given: those MACs were not checked.
    public var missingKeyIDs: [String] = []
    /// The key the next entry must be authenticated by (the last `keyRotated`'s, else the last
    /// authenticated entry's); nil while the journal has no authenticated entry.
    public var currentKeyID: String?

    /// Whether the whole file verified (the chain, and the MAC of every entry whose key was given).
    public var isIntact: Bool { problem == nil }
    /// Whether the whole file verified and every entry was authenticated by a given key.
    public var isAuthenticated: Bool {
        problem == nil && missingKeyIDs.isEmpty && unauthenticatedCount == 0 && authenticatedCount == entryCount
    }

    /// `OK: 12 entries, last hash 3f…, authenticated by key 9a…` or `TAMPERED: line 7: entry
    /// edited: …`; an intact journal that could not be authenticated says so (`UNVERIFIED: …` when
    /// its key was not given, a note when it has no key).
    public var description: String {
        if let problem { return "TAMPERED: \(problem)" }
        let summary = "\(entryCount) entr\(entryCount == 1 ? "y" : "ies"), last hash \(lastHash ?? "none (empty journal)")"
        if !missingKeyIDs.isEmpty {
            return "UNVERIFIED: \(summary); the chain is intact but entries are authenticated by key "
                + "\(missingKeyIDs.joined(separator: ", ")), which was not given (--key)"
        }
        var text = "OK: \(summary)"
        if authenticatedCount > 0 {
            let keys = currentKeyID.map { ", authenticated (key \($0))" } ?? ", authenticated"
            text += keys
        }
        if unauthenticatedCount > 0 {
            text += "\nnote: \(unauthenticatedCount == entryCount ? "the journal is" : "\(unauthenticatedCount) entries are") "
                + "unauthenticated (no key): the hash chain proves order, not origin"
        }
        return text
    }
}

/// Checks a journal file: every line's hash, the chain of `previousHash`, the sequence numbers,
/// the start of the file against its `retention` entries, and the final newline.
///
/// What it catches (each reported with the line where it shows first):
/// - an edited entry, however small the edit (its SHA-256 no longer matches): `edited`;
/// - a removed entry (a gap in the sequence, or the start of the file missing with no
///   `retention` entry accounting for it): `removed`;
/// - swapped, moved or duplicated entries: `reordered`;
/// - a replaced entry or a splice that keeps the numbering: `chainBroken`;
/// - a last line cut short: `truncated`; a line that is not an entry: `malformed`.
///
/// What no unkeyed chain can catch on its own: entries removed from the end, or a journal
/// rewritten from some point with freshly computed hashes. Against those an auditor writes down
/// `lastHash` at each visit and passes it as `anchor` next time: the journal must still hold an
/// entry with that hash (see `Documentation/Journal.md`).
public struct JournalVerifier: Sendable {
    /// A verifier.
    public init() {}

    /// Verifies the file at `path`. Throws only if it cannot be read; problems are in the report.
    /// - Parameters:
    ///   - path: the journal file.
    ///   - anchor: a `hash` an earlier verification reported, which must still be in the journal.
    ///   - keys: the journal's keys (the current one and those it rotated from). With keys, every
    ///     entry must be authenticated by one of them (an entry without MAC is a problem, unless it
    ///     precedes the first authenticated one). Without, MACs cannot be checked: the report lists
    ///     the keys it would need (`missingKeyIDs`) and is not `isAuthenticated`.
    public func verify(path: String, anchor: String? = nil, keys: JournalKeyring = JournalKeyring()) throws(JournalError)
        -> JournalReport
    {
        try verify(contents: readJournalFile(path), anchor: anchor, keys: keys)
    }

    /// Verifies a journal's bytes (the whole file); see `verify(path:anchor:keys:)`.
    public func verify(contents: [UInt8], anchor: String? = nil, keys: JournalKeyring = JournalKeyring()) -> JournalReport {
        var analysis = JournalAnalysis(contents, keys: keys, strict: !keys.isEmpty)
        if analysis.report.problem == nil, let anchor {
            let wanted = anchor.lowercased()
            if !analysis.lines.contains(where: { $0.entry.hash == wanted }) {
                analysis.report.problem = JournalProblem(
                    line: max(1, analysis.lines.count), reason: .anchorMissing(wanted))
            }
        }
        return analysis.report
    }

    /// The entries of the file at `path` that verify (all of them when the report is intact), with
    /// the report (`keys` as for `verify(path:anchor:keys:)`).
    public func entries(path: String, keys: JournalKeyring = JournalKeyring()) throws(JournalError)
        -> (entries: [JournalEntry], report: JournalReport)
    {
        let analysis = JournalAnalysis(try readJournalFile(path), keys: keys, strict: !keys.isEmpty)
        return (analysis.lines.map(\.entry), analysis.report)
    }
}

/// The whole file's bytes (`cannotOpen` if missing or unreadable).
func readJournalFile(_ path: String) throws(JournalError) -> [UInt8] {
    do {
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    } catch let error as CocoaError where error.code == .fileReadNoSuchFile {
        throw .cannotOpen(path: path, reason: "no such file")
    } catch {
        throw .cannotOpen(path: path, reason: (error as NSError).localizedDescription)
    }
}

// MARK: - Analysis

/// A line that verified: where it is, what it says, and the hash of its bytes.
struct AnalysedLine {
    var range: Range<Int>
    var entry: JournalEntry
    var lineHash: String
}

/// One pass over a journal's bytes: the intact lines and the report. Shared by the verifier and
/// the writer (which continues the chain from `lines.last` and prunes by `range`).
struct JournalAnalysis {
    var lines: [AnalysedLine] = []
    var report: JournalReport

    /// Analyses `bytes`, checking each authenticated entry's MAC with its key from `keys`; `strict`:
    /// a key not in `keys`, or an entry without MAC, is a problem (else it is only reported).
    init(_ bytes: [UInt8], keys: JournalKeyring = JournalKeyring(), strict: Bool = false) {
        report = JournalReport(
            entryCount: 0, firstSequence: nil, lastSequence: nil, lastHash: nil, headLineHash: Journal.genesisHash,
            sceneHash: nil, prunedCount: 0, problem: nil)

        // Split into lines; a last segment without "\n" is a truncated line.
        var ranges: [Range<Int>] = []
        var start = 0
        for (i, byte) in bytes.enumerated() where byte == 0x0A {
            ranges.append(start..<i)
            start = i + 1
        }
        let truncatedTail = start < bytes.count
        if truncatedTail { ranges.append(start..<bytes.count) }

        // Pass 1: parse each line on its own (hash and JSON), up to the first failure.
        var parsed: [(range: Range<Int>, entry: JournalEntry, body: [UInt8])] = []
        var parseProblem: JournalProblem?
        for (index, range) in ranges.enumerated() {
            let number = index + 1
            let isTail = truncatedTail && index == ranges.count - 1
            switch Self.parse(bytes[range]) {
            case .entry(let entry, let body):
                if isTail {
                    parseProblem = JournalProblem(line: number, reason: .truncated)
                } else {
                    parsed.append((range, entry, body))
                }
            case .problem(let reason):
                parseProblem = JournalProblem(line: number, reason: isTail ? .truncated : reason)
            }
            if parseProblem != nil { break }
        }

        // Pass 2: the chain, line by line; sequences further down tell a move from a removal.
        let sequences = parsed.map(\.entry.sequence)
        let latestRetention = parsed.last(where: { $0.entry.retention != nil })?.entry.retention
        var previousHash = Journal.genesisHash
        var chainProblem: JournalProblem?
        var currentKeyID: String?
        var missing: [String] = []
        for (index, line) in parsed.enumerated() {
            let number = index + 1
            let entry = line.entry
            let expected: Int
            let expectedPrevious: String
            if index == 0 {
                expected = latestRetention.map { $0.lastPrunedSequence + 1 } ?? 1
                expectedPrevious = latestRetention?.lastPrunedLineHash ?? Journal.genesisHash
            } else {
                expected = parsed[index - 1].entry.sequence + 1
                expectedPrevious = previousHash
            }
            if entry.sequence != expected {
                if entry.sequence > expected && !sequences[(index + 1)...].contains(expected) {
                    chainProblem = JournalProblem(
                        line: number, reason: .removed(firstMissing: expected, lastMissing: entry.sequence - 1))
                } else {
                    chainProblem = JournalProblem(line: number, reason: .reordered(expected: expected, found: entry.sequence))
                }
                break
            }
            if entry.previousHash != expectedPrevious {
                chainProblem = JournalProblem(line: number, reason: .chainBroken)
                break
            }
            // Authentication: the MAC under the key in force.
            if let keyID = entry.keyID {
                if let expected = currentKeyID, keyID != expected {
                    chainProblem = JournalProblem(line: number, reason: .wrongKey(expected: expected, found: keyID))
                    break
                }
                if let key = keys[keyID] {
                    guard let mac = entry.mac, key.verifies(line.body, mac: mac) else {
                        chainProblem = JournalProblem(line: number, reason: .forged)
                        break
                    }
                    report.authenticatedCount += 1
                } else if strict {
                    chainProblem = JournalProblem(line: number, reason: .unknownKey(keyID))
                    break
                } else if !missing.contains(keyID) {
                    missing.append(keyID)
                }
                currentKeyID = entry.keyRotation?.newKeyID ?? keyID
            } else if currentKeyID != nil || entry.mac != nil {
                chainProblem = JournalProblem(line: number, reason: .unauthenticated)
                break
            } else {
                report.unauthenticatedCount += 1
            }
            previousHash = Journal.sha256Hex(bytes[line.range])
            if let retention = entry.retention { report.prunedCount += retention.prunedCount }
            lines.append(AnalysedLine(range: line.range, entry: entry, lineHash: previousHash))
        }

        // Given a key, a journal none of whose entries it authenticates proves nothing: its MACs
        // may have been stripped and its hashes recomputed.
        if strict, chainProblem == nil, !parsed.isEmpty, lines.allSatisfy({ $0.entry.keyID == nil }) {
            chainProblem = JournalProblem(line: 1, reason: .unauthenticated)
            lines = []
        }
        // The first problem by line number wins.
        if let chainProblem {
            report.problem = chainProblem
        } else {
            report.problem = parseProblem
        }
        report.entryCount = lines.count
        report.firstSequence = parsed.first?.entry.sequence
        report.lastSequence = lines.last?.entry.sequence
        report.lastHash = lines.last?.entry.hash
        report.headLineHash = lines.last?.lineHash ?? Journal.genesisHash
        report.sceneHash = lines.last?.entry.sceneHash
        report.missingKeyIDs = missing
        report.currentKeyID = currentKeyID
    }

    /// What one line holds: an entry, or why it is not one.
    enum ParseOutcome {
        case entry(JournalEntry, body: [UInt8])
        case problem(JournalProblem.Reason)
    }

    /// One line: its hash against its canonical body, then its members.
    static func parse(_ line: ArraySlice<UInt8>) -> ParseOutcome {
        if line.isEmpty { return .problem(.malformed("blank line")) }
        guard let (hash, _, body) = JournalLine.split(line) else {
            return .problem(.malformed(#"does not start with {"hash":"<64 hex digits>","#))
        }
        guard Journal.sha256Hex(body) == hash else { return .problem(.edited) }
        do {
            let entry = try JSONDecoder().decode(JournalEntry.self, from: Data(line))
            return .entry(entry, body: body)
        } catch let DecodingError.keyNotFound(key, _) {
            return .problem(.malformed("missing \(key.stringValue)"))
        } catch let DecodingError.typeMismatch(_, context) {
            return .problem(.malformed("\(context.codingPath.map(\.stringValue).joined(separator: ".")): wrong type"))
        } catch let DecodingError.dataCorrupted(context) {
            return .problem(.malformed(context.debugDescription))
        } catch {
            return .problem(.malformed("not JSON"))
        }
    }
}
