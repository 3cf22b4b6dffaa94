/// Errors opening, writing or pruning a journal. `path` is the journal file.
public enum JournalError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be opened, created or read; `reason` is the system's message.
    case cannotOpen(path: String, reason: String)
    /// Another writer holds the journal (an exclusive `flock` is taken while a writer is open).
    case locked(path: String)
    /// The existing journal does not verify: nothing is appended to a broken chain.
    case broken(path: String, problem: JournalProblem)
    /// A write, sync or rename failed; `reason` is the system's message. The entry may be missing.
    case writeFailed(path: String, reason: String)
    /// The event could not be encoded (e.g. a NaN measurement); nothing was written.
    case unencodable(path: String, reason: String)
    /// The scene file bytes given to `recordConfiguration` are not a JSON object with a `cameraID`
    /// string, and no camera id was given.
    case invalidScene(path: String, reason: String)
    /// The writer was closed before this call.
    case closed(path: String)
    /// A key file is missing, unreadable, malformed or open to others (`path` is the key file).
    case invalidKey(path: String, reason: String)
    /// The journal is authenticated by key `journalKeyID` and the writer was given another key
    /// (`givenKeyID`) or none: rotate keys with `JournalWriter.rotateKey(to:)` instead.
    case keyMismatch(path: String, journalKeyID: String, givenKeyID: String?)
    /// The operation needs a key (rotating the key of a journal that has none).
    case keyRequired(path: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): "cannot open journal \(path): \(reason)"
        case .locked(let path): "journal \(path) is open in another writer (locked)"
        case .broken(let path, let problem): "journal \(path) is broken, refusing to append: \(problem)"
        case .writeFailed(let path, let reason): "cannot write journal \(path): \(reason)"
        case .unencodable(let path, let reason): "cannot journal event in \(path): \(reason)"
        case .invalidScene(let path, let reason): "cannot journal configuration in \(path): \(reason)"
        case .closed(let path): "journal \(path) is closed"
        case .invalidKey(let path, let reason): "journal key \(path.isEmpty ? "(in memory)" : path): \(reason)"
        case .keyMismatch(let path, let journal, let given):
            "journal \(path) is authenticated by key \(journal), "
                + (given.map { "not by the given key \($0)" } ?? "and no key was given")
                + ": refusing to append"
        case .keyRequired(let path): "journal \(path) has no key to rotate from"
        }
    }
}
