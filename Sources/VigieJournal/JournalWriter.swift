import Foundation
import VigieEvents

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Appends entries to an alert journal (format: `Journal`; guide: `Documentation/Journal.md`).
///
/// - **Append-only.** The file is opened with `O_APPEND`; each entry is one line handed to the
///   kernel with one `write` and, by default, `fsync`ed before the call returns, so an alert that
///   was journaled survives a crash or power cut.
/// - **Continues, never forks, the chain.** Opening verifies the whole existing file
///   (`JournalVerifier`) and continues from its last entry; a journal that does not verify
///   (edited, truncated, …) is refused with `.broken`: a new entry must never vouch for a
///   tampered past. An exclusive `flock` keeps a second writer (another process) out: `.locked`.
/// - **Retention.** `pruneExpired()` removes entries older than `retention` (default 12 months)
///   from the start of the file, the one deliberate non-append operation, and journals it: a
///   `retention` entry is appended to the chain, carrying how many entries went, the sequence
///   and the line hash of the last one. The kept entries are unchanged, byte for byte, so hashes
///   an auditor wrote down for them stay valid. Opening the writer prunes once.
///
/// - **Authenticated.** Given a `JournalKey`, every entry carries the key's id and an
///   HMAC-SHA256 of its body, so nobody without the key can forge or re-sign one. An existing
///   journal is verified with the key first; one authenticated by another key is refused
///   (`.keyMismatch`): change keys with `rotateKey(to:)`. A journal written before keys (no
///   authenticated entry) is continued with the key from its next entry on.
///
/// Thread-safe: one lock orders all calls (several camera threads may share a writer).
/// Wall-clock time is read from `now` (injected for tests), only to stamp entries and to decide
/// what has expired; it never influences an alert.
public final class JournalWriter: @unchecked Sendable {
    // @unchecked: every `var` is read and written only with `lock` held.

    /// The journal file.
    public let path: String
    /// How long entries are kept.
    public let retention: Journal.Retention
    private let synchronise: Bool
    private let now: @Sendable () -> Date
    private let lock = NSLock()
    private var descriptor: Int32
    private var lastSequence: Int
    private var headLineHash: String
    private var currentSceneHash: String?
    private var key: JournalKey?

    /// Opens (or creates, mode 0644) the journal at `path`, verifies it, continues its chain and
    /// prunes what has expired.
    /// - Parameters:
    ///   - path: the journal file.
    ///   - key: authenticates every new entry (`JournalKey.loadOrCreate(path:)` gives one beside the
    ///     journal). It must be the key in force in the journal, if the journal has one; nil: the
    ///     entries are unauthenticated (only for a journal that has never had a key).
    ///   - previousKeys: keys the journal rotated away from, so their entries are checked too
    ///     (entries under a key not given are still covered by the chain up to the current key).
    ///   - retention: how long entries are kept; older ones are pruned when the journal is opened.
    ///   - synchronise: `fsync` after every entry (default; turn off only in tests).
    ///   - now: the wall clock.
    /// - Throws: `.broken` if the journal does not verify (a forged entry included), `.keyMismatch`
    ///   if it is authenticated by another key or has a key and none is given.
    public init(
        path: String,
        key: JournalKey? = nil,
        previousKeys: [JournalKey] = [],
        retention: Journal.Retention = .default,
        synchronise: Bool = true,
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws(JournalError) {
        self.path = path
        self.retention = retention
        self.synchronise = synchronise
        self.now = now
        self.key = key
        let fd = try Self.openLocked(path)
        let analysis: JournalAnalysis
        do {
            analysis = JournalAnalysis(try readJournalFile(path), keys: JournalKeyring((key.map { [$0] } ?? []) + previousKeys))
        } catch {
            _ = systemClose(fd)
            throw error
        }
        if let problem = analysis.report.problem {
            _ = systemClose(fd)
            throw .broken(path: path, problem: problem)
        }
        if let current = analysis.report.currentKeyID, current != key?.id {
            _ = systemClose(fd)
            throw .keyMismatch(path: path, journalKeyID: current, givenKeyID: key?.id)
        }
        descriptor = fd
        lastSequence = analysis.lines.last?.entry.sequence ?? 0
        headLineHash = analysis.report.headLineHash
        currentSceneHash = analysis.report.sceneHash
        _ = try pruneExpired()
    }

    deinit {
        if descriptor >= 0 { _ = systemClose(descriptor) }
    }

    /// The sequence number of the last entry (0 for an empty journal).
    public var sequence: Int { lock.withLock { lastSequence } }

    /// The SHA-256 of the scene file in force (the last configuration entry's), if any.
    public var sceneHash: String? { lock.withLock { currentSceneHash } }

    /// The id of the key that authenticates new entries; nil if they are unauthenticated.
    public var keyID: String? { lock.withLock { key?.id } }

    /// Changes the journal's key: appends a `keyRotated` entry naming `newKey`, authenticated by
    /// the current key, then authenticates every later entry with `newKey`. A verifier needs both
    /// keys (or trusts the old entries through the chain). Returns the entry written.
    /// - Throws: `.keyRequired` if the writer has no key (there is nothing to rotate from).
    @discardableResult
    public func rotateKey(to newKey: JournalKey) throws(JournalError) -> JournalEntry {
        lock.lock()
        defer { lock.unlock() }
        guard key != nil else { throw .keyRequired(path: path) }
        let payload = JournalEntry.KeyRotation(newKeyID: newKey.id)
        let entry = try append(.keyRotated, payload: payload) { $0.keyRotation = payload }
        key = newKey
        return entry
    }

    /// Journals an operator's decision on an alert: `decision` (free text: `acknowledged`,
    /// `dismissed: false alarm`, …) by `operator` (an account name) on the alert `eventID`, with an
    /// optional `note` and the time `time` the operator decided (nil: the entry's own time).
    /// Returns the entry written.
    @discardableResult
    public func recordDecision(
        eventID: String, decision: String, operator operatorName: String, note: String? = nil, time: Date? = nil
    ) throws(JournalError) -> JournalEntry {
        let payload = JournalEntry.Decision(
            eventID: eventID, decision: decision, operator: operatorName, note: note,
            decidedAt: time.map(Journal.formatTime))
        lock.lock()
        defer { lock.unlock() }
        return try append(.decision, payload: payload) { $0.decision = payload }
    }

    /// Journals an event (any phase: the auditor needs the whole lifecycle). The event is embedded
    /// exactly as its JSON line. Returns the entry written.
    @discardableResult
    public func recordAlert(_ event: Event) throws(JournalError) -> JournalEntry {
        lock.lock()
        defer { lock.unlock() }
        let summary = JournalEntry.Alert(
            id: event.id, kind: event.kind.rawValue, phase: event.phase.rawValue, cameraID: event.cameraID,
            ruleID: event.ruleID)
        return try append(.alert, payload: event) { $0.alert = summary }
    }

    /// Journals a configuration change: the scene file now in force, as the SHA-256 of its exact
    /// bytes and its camera id (`cameraID`, or read from the file's top-level `cameraID`). Later
    /// entries carry this hash in `sceneHash`. Returns the entry written.
    @discardableResult
    public func recordConfiguration(sceneData: Data, cameraID: String? = nil) throws(JournalError) -> JournalEntry {
        let camera: String
        if let cameraID {
            camera = cameraID
        } else {
            let object = try? JSONSerialization.jsonObject(with: sceneData) as? [String: Any]
            guard let object else { throw .invalidScene(path: path, reason: "the scene file is not a JSON object") }
            guard let id = object["cameraID"] as? String else {
                throw .invalidScene(path: path, reason: "the scene file has no cameraID string")
            }
            camera = id
        }
        let payload = JournalEntry.Configuration(cameraID: camera, sceneHash: Journal.sha256Hex(sceneData))
        lock.lock()
        defer { lock.unlock() }
        let previous = currentSceneHash
        currentSceneHash = payload.sceneHash  // the entry itself carries the new hash
        do {
            return try append(.configuration, payload: payload) { $0.configuration = payload }
        } catch {
            currentSceneHash = previous
            throw error
        }
    }

    /// Removes the entries written before `retention.cutoff(now:)` from the start of the file and
    /// appends a `retention` entry saying so; returns how many were removed (0: nothing expired,
    /// nothing written). The file is rewritten beside itself and renamed over, so a crash leaves
    /// either the old or the new file, both verifiable.
    @discardableResult
    public func pruneExpired() throws(JournalError) -> Int {
        lock.lock()
        defer { lock.unlock() }
        guard descriptor >= 0 else { throw .closed(path: path) }
        guard let months = retention.months, let cutoff = retention.cutoff(now: now()) else { return 0 }
        let bytes = try readJournalFile(path)
        let analysis = JournalAnalysis(bytes)
        if let problem = analysis.report.problem { throw .broken(path: path, problem: problem) }
        let expired = analysis.lines.prefix { line in
            Journal.parseTime(line.entry.time).map { $0 < cutoff } ?? false
        }
        guard let last = expired.last else { return 0 }

        let payload = JournalEntry.Retention(
            cutoff: Journal.formatTime(cutoff), months: months, prunedCount: expired.count,
            lastPrunedSequence: last.entry.sequence, lastPrunedLineHash: last.lineHash)
        let (line, _) = try makeLine(.retention, payload: payload, sequence: lastSequence + 1)
        let keptFrom = expired.count < analysis.lines.count ? analysis.lines[expired.count].range.lowerBound : bytes.count
        var contents = Array(bytes[keptFrom...])
        contents += line
        contents.append(0x0A)

        let temporary = path + ".pruning"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .writeFailed(path: temporary, reason: systemMessage(errno)) }
        if let failure = writeAll(fd, contents) ?? (fsync(fd) == 0 ? nil : errno) {
            _ = systemClose(fd)
            unlink(temporary)
            throw .writeFailed(path: temporary, reason: systemMessage(failure))
        }
        _ = systemClose(fd)
        // Take the new file's lock before it replaces the old one, so no writer slips in between.
        let newDescriptor: Int32
        do {
            newDescriptor = try Self.openLocked(temporary)
        } catch {
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let failure = errno
            _ = systemClose(newDescriptor)
            unlink(temporary)
            throw .writeFailed(path: path, reason: "rename: \(systemMessage(failure))")
        }
        synchroniseDirectory()
        _ = systemClose(descriptor)
        descriptor = newDescriptor
        lastSequence += 1
        headLineHash = Journal.sha256Hex(line)
        return expired.count
    }

    /// Closes the file and releases the lock; later calls throw `.closed`. Closing twice is harmless.
    public func close() {
        lock.withLock {
            if descriptor >= 0 { _ = systemClose(descriptor) }
            descriptor = -1
        }
    }

    // MARK: - Writing

    /// Builds, writes and syncs the next entry. Called with `lock` held.
    private func append(
        _ type: JournalEntry.EntryType, payload: some Encodable & Sendable,
        fill: (inout JournalEntry) -> Void
    ) throws(JournalError) -> JournalEntry {
        guard descriptor >= 0 else { throw .closed(path: path) }
        let sequence = lastSequence + 1
        let (line, entry) = try makeLine(type, payload: payload, sequence: sequence)
        var bytes = line
        bytes.append(0x0A)
        if let failure = writeAll(descriptor, bytes) {
            throw .writeFailed(path: path, reason: systemMessage(failure))
        }
        if synchronise && fsync(descriptor) != 0 {
            throw .writeFailed(path: path, reason: "fsync: \(systemMessage(errno))")
        }
        lastSequence = sequence
        headLineHash = Journal.sha256Hex(line)
        var filled = entry
        fill(&filled)
        return filled
    }

    /// The line (without newline) of entry `sequence`, chained to the current head.
    private func makeLine(
        _ type: JournalEntry.EntryType, payload: some Encodable & Sendable, sequence: Int
    ) throws(JournalError) -> (line: [UInt8], entry: JournalEntry) {
        let time = Journal.formatTime(now())
        let body = EntryBody(
            keyID: key?.id, library: VigieVersion.current, previousHash: headLineHash,
            schema: key == nil ? Journal.schema : Journal.authenticatedSchema,
            sceneHash: currentSceneHash, sequence: sequence, time: time, type: type, payload: payload)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let bodyBytes: [UInt8]
        do {
            bodyBytes = [UInt8](try encoder.encode(body))
        } catch {
            throw .unencodable(path: path, reason: "\(error)")
        }
        let (line, hash, mac) = JournalLine.make(body: bodyBytes, key: key)
        var entry = JournalEntry(
            sequence: sequence, time: time, type: type, library: VigieVersion.current, sceneHash: currentSceneHash,
            previousHash: headLineHash, hash: hash)
        entry.keyID = key?.id
        entry.mac = mac
        return (line, entry)
    }

    // MARK: - System calls

    /// `open(2)` with `O_RDWR | O_CREAT | O_APPEND`, then `flock(2)` `LOCK_EX | LOCK_NB`.
    private static func openLocked(_ path: String) throws(JournalError) -> Int32 {
        let fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .cannotOpen(path: path, reason: systemMessage(errno)) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let failure = errno
            _ = systemClose(fd)
            if failure == EWOULDBLOCK { throw .locked(path: path) }
            throw .cannotOpen(path: path, reason: "flock: \(systemMessage(failure))")
        }
        return fd
    }

    /// `fsync(2)` on the journal's folder, so the rename of a pruned file is durable.
    private func synchroniseDirectory() {
        let folder = (path as NSString).deletingLastPathComponent
        let fd = open(folder.isEmpty ? "." : folder, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        _ = systemClose(fd)
    }
}

extension JournalEntry {
    /// An entry just written (payload members filled in by the caller).
    fileprivate init(
        sequence: Int, time: String, type: EntryType, library: String, sceneHash: String?, previousHash: String,
        hash: String
    ) {
        self.sequence = sequence
        self.time = time
        self.type = type
        self.library = library
        self.sceneHash = sceneHash
        self.previousHash = previousHash
        self.hash = hash
    }
}

/// An entry's canonical body: every member but `hash`, the payload under the type's name.
private struct EntryBody<Payload: Encodable>: Encodable {
    var keyID: String?
    var library: String
    var previousHash: String
    var schema: String
    var sceneHash: String?
    var sequence: Int
    var time: String
    var type: JournalEntry.EntryType
    var payload: Payload

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encodeIfPresent(keyID, forKey: Key("keyID"))
        try c.encode(library, forKey: Key("library"))
        try c.encode(previousHash, forKey: Key("previousHash"))
        try c.encode(schema, forKey: Key("schema"))
        try c.encodeIfPresent(sceneHash, forKey: Key("sceneHash"))
        try c.encode(sequence, forKey: Key("sequence"))
        try c.encode(time, forKey: Key("time"))
        try c.encode(type, forKey: Key("type"))
        try c.encode(payload, forKey: Key(type.rawValue))
    }
}

/// `write(2)` until every byte is written (retrying after `EINTR`); the `errno` of a failure.
private func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Int32? {
    bytes.withUnsafeBytes { buffer in
        var offset = 0
        while offset < buffer.count {
            let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            offset += n
        }
        return nil
    }
}

/// `close(2)`, named apart from `JournalWriter.close()`.
private func systemClose(_ fd: Int32) -> Int32 {
    close(fd)
}

/// `strerror(3)` for `code`.
private func systemMessage(_ code: Int32) -> String {
    guard let message = strerror(code) else { return "error \(code)" }
    return "\(String(cString: message)) (errno \(code))"
}
