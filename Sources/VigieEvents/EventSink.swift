#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Somewhere events go: a file, standard output, a message queue, an array in a test.
///
/// Rules hand each event to a sink as it is raised; a sink should make it visible to the
/// operator's side promptly (the built-in ones do so before `send` returns).
public protocol EventSink {
    /// Delivers one event.
    mutating func send(_ event: Event) throws
    /// Pushes out anything buffered. The default does nothing (for sinks that do not buffer).
    mutating func flush() throws
}

extension EventSink {
    /// Does nothing: the sink does not buffer.
    public mutating func flush() throws {}
}

/// Errors writing events to a file or standard output. `path` is the file path, or `<stdout>`.
public enum EventSinkError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be opened or created; `reason` is the system's message.
    case cannotOpen(path: String, reason: String)
    /// A write failed (disk full, closed pipe, …); `reason` is the system's message.
    case writeFailed(path: String, reason: String)
    /// The event could not be encoded (e.g. a NaN measurement); nothing was written.
    case unencodable(path: String, reason: String)
    /// The sink was closed before this call.
    case closed(path: String)

    /// The file path, or `<stdout>`.
    public var path: String {
        switch self {
        case .cannotOpen(let path, _), .writeFailed(let path, _), .unencodable(let path, _), .closed(let path): path
        }
    }

    /// Why it failed.
    public var reason: String {
        switch self {
        case .cannotOpen(_, let reason), .writeFailed(_, let reason), .unencodable(_, let reason): reason
        case .closed: "the sink is closed"
        }
    }

    public var description: String {
        switch self {
        case .cannotOpen: "cannot open \(path): \(reason)"
        case .writeFailed: "cannot write to \(path): \(reason)"
        case .unencodable: "cannot encode event for \(path): \(reason)"
        case .closed: "cannot write to \(path): \(reason)"
        }
    }
}

/// Writes events as JSON Lines (`EventEncoder`) to a file or standard output.
///
/// Each event becomes one line handed to the kernel with a single POSIX `write` (repeated only
/// for the rest of a short write, or after `EINTR`) before `send` returns: nothing is buffered in
/// the process, so a reader tailing the file sees every event at once and a crash loses none.
/// Files are opened with `O_APPEND`, so several writers never interleave within a line.
///
/// A reference type: it owns the file descriptor and closes it on `close()` or deinit
/// (standard output is never closed).
public final class JSONLinesSink: EventSink {
    /// What to do with an existing file.
    public enum Mode: Sendable, Hashable {
        /// Keep its contents and add events at the end (created if missing).
        case append
        /// Empty it first (created if missing).
        case truncate
    }

    /// The file path, or `<stdout>`.
    public let path: String
    private var descriptor: Int32
    private let ownsDescriptor: Bool
    private let encoder = EventEncoder()

    /// A sink writing to the file at `path`, created with mode 0644 if missing.
    public init(path: String, mode: Mode = .append) throws(EventSinkError) {
        let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (mode == .append ? O_APPEND : O_TRUNC)
        let fd = open(path, flags, 0o644)
        guard fd >= 0 else { throw .cannotOpen(path: path, reason: systemMessage(errno)) }
        self.path = path
        self.descriptor = fd
        self.ownsDescriptor = true
    }

    /// A sink writing to standard output (file descriptor 1), which it never closes.
    public init(standardOutput: Void = ()) {
        self.path = "<stdout>"
        self.descriptor = STDOUT_FILENO
        self.ownsDescriptor = false
    }

    deinit {
        if ownsDescriptor && descriptor >= 0 { _ = posixClose(descriptor) }
    }

    /// Encodes `event` and writes it as one line; the line is in the kernel when this returns.
    public func send(_ event: Event) throws(EventSinkError) {
        guard descriptor >= 0 else { throw .closed(path: path) }
        let bytes: [UInt8]
        do {
            bytes = try encoder.encodeBytes(event, newline: true)
        } catch {
            throw .unencodable(path: path, reason: error.description)
        }
        let failure: Int32? = bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += n
            }
            return nil
        }
        if let failure { throw .writeFailed(path: path, reason: systemMessage(failure)) }
    }

    /// Nothing to do: every `send` already reached the kernel. Fails if the sink is closed.
    public func flush() throws(EventSinkError) {
        guard descriptor >= 0 else { throw .closed(path: path) }
    }

    /// Closes the file (not standard output); later sends fail with `.closed`. Closing twice is harmless.
    public func close() throws(EventSinkError) {
        guard descriptor >= 0 else { return }
        let fd = descriptor
        descriptor = -1
        if ownsDescriptor && posixClose(fd) != 0 {
            throw .writeFailed(path: path, reason: systemMessage(errno))
        }
    }
}

/// Keeps events in memory, in order: for tests, and for embedding code that reads them itself.
public struct CollectingSink: EventSink, Sendable {
    /// Every event sent, oldest first.
    public private(set) var events: [Event] = []
    /// How many times `flush()` was called.
    public private(set) var flushCount = 0

    /// An empty sink.
    public init() {}

    /// Appends `event`.
    public mutating func send(_ event: Event) {
        events.append(event)
    }

    /// Counts the call; events are already available in `events`.
    public mutating func flush() {
        flushCount += 1
    }

    /// Forgets the events collected so far.
    public mutating func removeAll() {
        events.removeAll()
    }
}

/// `close(2)`, named apart from `JSONLinesSink.close()`.
private func posixClose(_ fd: Int32) -> Int32 {
    close(fd)
}

/// `strerror(3)` for `code`.
private func systemMessage(_ code: Int32) -> String {
    guard let message = strerror(code) else { return "error \(code)" }
    return "\(String(cString: message)) (errno \(code))"
}
