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

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): "cannot open journal \(path): \(reason)"
        case .locked(let path): "journal \(path) is open in another writer (locked)"
        case .broken(let path, let problem): "journal \(path) is broken, refusing to append: \(problem)"
        case .writeFailed(let path, let reason): "cannot write journal \(path): \(reason)"
        case .unencodable(let path, let reason): "cannot journal event in \(path): \(reason)"
        case .invalidScene(let path, let reason): "cannot journal configuration in \(path): \(reason)"
        case .closed(let path): "journal \(path) is closed"
        }
    }
}
