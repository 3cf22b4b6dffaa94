import Crypto
import Foundation

/// The alert journal: an append-only, hash-chained JSON Lines file of every alert and every
/// configuration change, which an operator shows an auditor. Guide: `Documentation/Journal.md`.
///
/// One entry per line, written by `JournalWriter` (or `JournalSink`), checked by
/// `JournalVerifier`. Each line is
///
/// ```
/// {"hash":"<64 hex>",<the other members: the entry's canonical JSON without its braces>}
/// ```
///
/// **Canonical form.** The *body* of an entry is its JSON object without the `hash` member,
/// encoded compactly (no whitespace), keys sorted by their UTF-8 bytes at every level, slashes
/// not escaped, UTF-8. `hash` is the lowercase hex SHA-256 of the body's bytes. The line is the
/// body with `"hash":"<hex>",` inserted right after its opening `{`, so the body is recovered
/// byte for byte as `"{" + line[75...]` (the first 75 bytes are `{"hash":"`, 64 hex digits and
/// `",`): a verifier never re-encodes anything.
///
/// **Authentication.** A journal written with a `JournalKey` carries in each entry the key's id
/// (`keyID`, a body member) and an HMAC-SHA256 of the body under the key, as a second header
/// member: `{"hash":"<64 hex>","mac":"<64 hex>",<members>}` (the body is then `"{" + line[148...]`).
/// Such entries have schema `vigie.journal/2`. A hash chain alone proves order, not origin:
/// anyone can recompute the hashes of a forged entry; the MAC needs the key. A `keyRotated`
/// entry, authenticated by the current key, names the next key (`newKeyID`), which authenticates
/// the entries after it. Entries without `keyID` and `mac` (schema `vigie.journal/1`) may only
/// come before the first authenticated one (a journal started before keys were used).
///
/// **Chain.** `previousHash` is the lowercase hex SHA-256 of the previous entry's whole line (its
/// bytes without the `\n`); the first entry of a journal has 64 zeros (`Journal.genesisHash`).
/// `sequence` counts entries from 1 and grows by exactly 1 per line.
///
/// Body members: `schema` (`vigie.journal/1`), `sequence`, `time` (wall-clock time of writing,
/// ISO 8601 UTC with milliseconds: `2026-03-14T09:26:53.589Z`), `type` (`alert`,
/// `configuration`, `retention`, `keyRotated` or `decision`), `keyID` (authenticated entries), `library` (`VigieVersion.current`), `sceneHash` (the
/// SHA-256 of the scene file in force; absent before the first configuration entry),
/// `previousHash`, and one payload member named like the type:
/// - `alert`: the event, exactly as its JSON line (`Event.jsonLine()`), as an object;
/// - `configuration`: `{"cameraID": …, "sceneHash": …}`, the hash of the scene file's bytes;
/// - `retention`: `{"cutoff", "months", "prunedCount", "lastPrunedSequence", "lastPrunedLineHash"}`;
/// - `keyRotated`: `{"newKeyID"}`, the key of the entries after it;
/// - `decision`: `{"eventID", "decision", "operator", "note"?, "decidedAt"?}`, an operator's decision on an alert.
public enum Journal {
    /// The version tag of an entry without key: `vigie.journal/1`.
    public static let schema = "vigie.journal/1"
    /// The version tag of an authenticated entry (with `keyID` and `mac`): `vigie.journal/2`.
    public static let authenticatedSchema = "vigie.journal/2"

    /// The `previousHash` of the first entry: 64 zeros.
    public static let genesisHash = String(repeating: "0", count: 64)

    /// How long entries are kept: entries older than this are pruned (`JournalWriter.pruneExpired()`),
    /// and the pruning is itself journaled as a `retention` entry.
    public struct Retention: Sendable, Hashable, CustomStringConvertible {
        /// Calendar months (UTC, Gregorian) an entry is kept; `nil`: forever.
        public var months: Int?

        /// Entries are kept `months` calendar months (≥ 1).
        public init(months: Int) {
            precondition(months >= 1, "retention must be at least 1 month, got \(months)")
            self.months = months
        }

        private init(forever: Void) { self.months = nil }

        /// 12 months: the default.
        public static let `default` = Retention(months: 12)

        /// Nothing is ever pruned.
        public static let forever = Retention(forever: ())

        /// The time before which entries expire, seen at `now`; `nil` if kept forever.
        public func cutoff(now: Date) -> Date? {
            guard let months else { return nil }
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            return calendar.date(byAdding: .month, value: -months, to: now)
        }

        /// `12 months` or `forever`.
        public var description: String {
            months.map { "\($0) month\($0 == 1 ? "" : "s")" } ?? "forever"
        }
    }

    /// The lowercase hex SHA-256 of `bytes`, as written in `hash`, `previousHash` and `sceneHash`.
    public static func sha256Hex(_ bytes: some DataProtocol) -> String {
        hex(SHA256.hash(data: bytes))
    }

    /// Formats a wall-clock time as entries carry it: ISO 8601, UTC, milliseconds.
    public static func formatTime(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// Reads an entry's `time`; `nil` if it is not ISO 8601 with a time zone.
    public static func parseTime(_ text: String) -> Date? {
        (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text))
            ?? (try? Date.ISO8601FormatStyle().parse(text))
    }
}

/// Lowercase hex of a digest's bytes.
private func hex(_ digest: some Sequence<UInt8>) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(64)
    for byte in digest {
        out.append(digits[Int(byte >> 4)])
        out.append(digits[Int(byte & 0x0F)])
    }
    return String(decoding: out, as: UTF8.self)
}

// MARK: - Entries

/// One journal entry as read back from a line (what `vigie journal show` prints).
public struct JournalEntry: Sendable, Hashable {
    /// What an entry records.
    public enum EntryType: String, Sendable, Hashable, Codable {
        /// An event (any phase) sent to the journal.
        case alert
        /// A scene file taken into use.
        case configuration
        /// Entries pruned by the retention setting.
        case retention
        /// The journal's key changes: entries after this one are authenticated by `newKeyID`.
        case keyRotated
        /// An operator's decision on an alert (acknowledged, dismissed, escalated, …).
        case decision
    }

    /// What a `keyRotated` entry says.
    public struct KeyRotation: Sendable, Hashable, Codable {
        /// The id of the key that authenticates the entries after this one.
        public var newKeyID: String
    }

    /// An operator's decision on an alert, as a `decision` entry records it.
    public struct Decision: Sendable, Hashable, Codable {
        /// The alert's id (`Event.id`).
        public var eventID: String
        /// What was decided, as free text (`acknowledged`, `dismissed: false alarm`, …).
        public var decision: String
        /// Who decided (an operator's account name, never a person's image or description).
        public var `operator`: String
        /// An optional remark.
        public var note: String?
        /// When the operator decided (ISO 8601 UTC), if it differs from the entry's `time`.
        public var decidedAt: String?

        /// A decision from its parts (`decidedAt` as `Journal.formatTime` writes it).
        public init(eventID: String, decision: String, operator operatorName: String, note: String? = nil,
                    decidedAt: String? = nil) {
            self.eventID = eventID
            self.decision = decision
            self.operator = operatorName
            self.note = note
            self.decidedAt = decidedAt
        }
    }

    /// The alert an `alert` entry records: the event's identifying fields.
    public struct Alert: Sendable, Hashable, Codable {
        /// The situation's id (`Event.id`).
        public var id: String
        /// The event kind's raw value (`intrusion`, …).
        public var kind: String
        /// `started`, `updated` or `ended`.
        public var phase: String
        /// The camera.
        public var cameraID: String
        /// The rule.
        public var ruleID: String
    }

    /// The scene an entry of type `configuration` takes into use.
    public struct Configuration: Sendable, Hashable, Codable {
        /// The scene's camera.
        public var cameraID: String
        /// Lowercase hex SHA-256 of the scene file's bytes.
        public var sceneHash: String
    }

    /// What a `retention` entry says was pruned.
    public struct Retention: Sendable, Hashable, Codable {
        /// Entries written before this time (ISO 8601 UTC) had expired.
        public var cutoff: String
        /// The retention setting in months.
        public var months: Int
        /// How many entries were removed from the start of the file.
        public var prunedCount: Int
        /// The sequence number of the last entry removed.
        public var lastPrunedSequence: Int
        /// Lowercase hex SHA-256 of the last removed line: the `previousHash` of the first entry kept.
        public var lastPrunedLineHash: String
    }

    /// Position in the journal, from 1.
    public var sequence: Int
    /// Wall-clock time of writing, ISO 8601 UTC.
    public var time: String
    /// What the entry records.
    public var type: EntryType
    /// The library version that wrote it.
    public var library: String
    /// The scene file hash in force when it was written, if any.
    public var sceneHash: String?
    /// Hex SHA-256 of the previous line (64 zeros for the first entry).
    public var previousHash: String
    /// Hex SHA-256 of this entry's canonical body.
    public var hash: String
    /// The id of the key whose MAC authenticates this entry; nil for an unauthenticated entry.
    public var keyID: String?
    /// Hex HMAC-SHA256 of the canonical body under the key `keyID`; nil without key.
    public var mac: String?
    /// For `keyRotated` entries.
    public var keyRotation: KeyRotation?
    /// For `decision` entries.
    public var decision: Decision?
    /// For `alert` entries.
    public var alert: Alert?
    /// For `configuration` entries.
    public var configuration: Configuration?
    /// For `retention` entries.
    public var retention: Retention?
}

extension JournalEntry: Decodable {
    enum CodingKeys: String, CodingKey {
        case schema, sequence, time, type, library, sceneHash, previousHash, hash, alert, configuration, retention
        case keyID, mac, keyRotated, decision
    }

    /// Reads the members every entry has and the payload summary; unknown members are ignored.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let schema = try c.decode(String.self, forKey: .schema)
        keyID = try c.decodeIfPresent(String.self, forKey: .keyID)
        mac = try c.decodeIfPresent(String.self, forKey: .mac)
        let expected = keyID == nil ? Journal.schema : Journal.authenticatedSchema
        guard schema == expected else {
            throw DecodingError.dataCorruptedError(
                forKey: .schema, in: c, debugDescription: "unsupported schema \"\(schema)\", expected \"\(expected)\"")
        }
        sequence = try c.decode(Int.self, forKey: .sequence)
        time = try c.decode(String.self, forKey: .time)
        type = try c.decode(EntryType.self, forKey: .type)
        library = try c.decode(String.self, forKey: .library)
        sceneHash = try c.decodeIfPresent(String.self, forKey: .sceneHash)
        previousHash = try c.decode(String.self, forKey: .previousHash)
        hash = try c.decode(String.self, forKey: .hash)
        alert = try c.decodeIfPresent(Alert.self, forKey: .alert)
        configuration = try c.decodeIfPresent(Configuration.self, forKey: .configuration)
        retention = try c.decodeIfPresent(Retention.self, forKey: .retention)
        keyRotation = try c.decodeIfPresent(KeyRotation.self, forKey: .keyRotated)
        decision = try c.decodeIfPresent(Decision.self, forKey: .decision)
        switch type {
        case .alert where alert == nil, .configuration where configuration == nil, .retention where retention == nil,
            .keyRotated where keyRotation == nil, .decision where decision == nil:
            throw DecodingError.keyNotFound(
                CodingKeys(rawValue: type.rawValue)!,
                .init(codingPath: c.codingPath, debugDescription: "a \(type.rawValue) entry needs its payload"))
        default: break
        }
    }
}

// MARK: - Line format

/// Splitting a line into hash and body, and building one: the canonical form, in one place.
enum JournalLine {
    /// `{"hash":"`
    static let prefix = Array(#"{"hash":""#.utf8)
    /// Bytes before the body's members: prefix, 64 hex digits, `",`.
    static let headerLength = prefix.count + 64 + 2
    /// `"mac":"`, the second header member of an authenticated line.
    static let macPrefix = Array(#""mac":""#.utf8)

    /// The line for a canonical body (`{…}` with at least one member): hash inserted first, then
    /// the MAC under `key` if one is given.
    static func make(body: [UInt8], key: JournalKey? = nil) -> (line: [UInt8], hash: String, mac: String?) {
        precondition(body.count > 2 && body.first == UInt8(ascii: "{"), "a journal body is a non-empty JSON object")
        let hash = Journal.sha256Hex(body)
        let mac = key?.mac(body)
        var line = prefix
        line.reserveCapacity(body.count + headerLength + 72)
        line += Array(hash.utf8)
        line += Array(#"","#.utf8)
        if let mac {
            line += macPrefix
            line += Array(mac.utf8)
            line += Array(#"","#.utf8)
        }
        line += body.dropFirst()
        return (line, hash, mac)
    }

    /// The hash (and MAC, if any) written in a line and its canonical body; `nil` if the line
    /// does not start with `{"hash":"<64 characters>",`.
    static func split(_ line: ArraySlice<UInt8>) -> (hash: String, mac: String?, body: [UInt8])? {
        guard line.count > headerLength, line.starts(with: prefix) else { return nil }
        let hashStart = line.startIndex + prefix.count
        let hashBytes = line[hashStart..<hashStart + 64]
        guard line[hashStart + 64] == UInt8(ascii: "\""), line[hashStart + 65] == UInt8(ascii: ",") else { return nil }
        var rest = line.startIndex + headerLength
        var mac: String?
        if line[rest...].starts(with: macPrefix), line.count - (rest - line.startIndex) > macPrefix.count + 66 {
            let macStart = rest + macPrefix.count
            guard line[macStart + 64] == UInt8(ascii: "\""), line[macStart + 65] == UInt8(ascii: ",") else { return nil }
            mac = String(decoding: line[macStart..<macStart + 64], as: UTF8.self)
            rest = macStart + 66
        }
        var body: [UInt8] = [UInt8(ascii: "{")]
        body += line[rest...]
        return (String(decoding: hashBytes, as: UTF8.self), mac, body)
    }
}
