#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `read(2)`, named apart from `ByteReader.read` which would shadow it.
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(fd, buffer, count)
}

/// `close(2)`.
private func systemClose(_ fd: Int32) { _ = close(fd) }

/// Buffered reading from a file descriptor (a regular file, a pipe, or standard input).
///
/// Every read system call Vigie makes on inputs is here (`open(2)`, `read(2)`, `close(2)`).
package final class ByteReader {
    /// Name for messages: the path or `stdin`.
    package let name: String
    private let descriptor: Int32
    private let ownsDescriptor: Bool
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private(set) var reachedEnd = false

    /// Opens a file for reading (`open(2)`).
    package init(path: String) throws(FrameSourceError) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw .cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        name = path
        descriptor = fd
        ownsDescriptor = true
        buffer = [UInt8](repeating: 0, count: 1 << 20)
    }

    /// Reads standard input.
    package init(standardInput: Void = ()) {
        name = "stdin"
        descriptor = 0
        ownsDescriptor = false
        buffer = [UInt8](repeating: 0, count: 1 << 20)
    }

    /// Reads from bytes already in memory (tests, in-memory streams).
    package init(bytes: [UInt8], name: String = "memory") {
        self.name = name
        descriptor = -1
        ownsDescriptor = false
        buffer = bytes
        end = bytes.count
        reachedEnd = true
    }

    deinit { if ownsDescriptor { systemClose(descriptor) } }

    /// Bytes buffered and not yet consumed.
    package var available: Int { end - start }

    /// Reads more bytes (`read(2)`); returns false at end of input.
    @discardableResult
    package func fill() throws(FrameSourceError) -> Bool {
        if reachedEnd { return false }
        if start > 0 && start == end { start = 0; end = 0 }
        if end == buffer.count {
            if start > 0 {
                let n = end - start
                buffer.withUnsafeMutableBufferPointer { b in
                    b.baseAddress!.update(from: b.baseAddress! + start, count: n)
                }
                start = 0
                end = n
            } else {
                buffer.append(contentsOf: [UInt8](repeating: 0, count: buffer.count))
            }
        }
        while true {
            let count = buffer.withUnsafeMutableBufferPointer { b in
                systemRead(descriptor, b.baseAddress! + end, b.count - end)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw .readFailed(source: name, reason: String(cString: strerror(errno)))
            }
            if count == 0 { reachedEnd = true; return false }
            end += count
            return true
        }
    }

    /// Makes at least `count` bytes available, unless the input ends first; returns the number available.
    @discardableResult
    package func require(_ count: Int) throws(FrameSourceError) -> Int {
        while available < count, try fill() {}
        return available
    }

    /// The next `count` bytes without consuming them (fewer at end of input).
    package func peek(_ count: Int) throws(FrameSourceError) -> [UInt8] {
        let n = min(try require(count), count)
        return Array(buffer[start..<start + n])
    }

    /// Byte at `offset` from the read position; requires it to be available.
    package func byte(at offset: Int) -> UInt8 { buffer[start + offset] }

    /// Consumes `count` buffered bytes.
    package func skip(_ count: Int) {
        precondition(count <= available, "skip \(count) > available \(available)")
        start += count
    }

    /// Consumes and returns the bytes up to and including the next `\n`, without it;
    /// nil at end of input or when no newline comes within `limit` bytes.
    package func readLine(limit: Int) throws(FrameSourceError) -> [UInt8]? {
        var scanned = 0
        while true {
            while scanned < available {
                if buffer[start + scanned] == 0x0A {
                    let line = Array(buffer[start..<start + scanned])
                    start += scanned + 1
                    return line
                }
                scanned += 1
                if scanned > limit { return nil }
            }
            guard try fill() else { return nil }
        }
    }

    /// Copies up to `count` bytes into `destination`, consuming them; returns how many were copied.
    package func read(into destination: UnsafeMutablePointer<UInt8>, count: Int) throws(FrameSourceError) -> Int {
        var copied = 0
        while copied < count {
            if available == 0 { guard try fill() else { break } }
            let n = min(available, count - copied)
            buffer.withUnsafeBufferPointer { b in (destination + copied).update(from: b.baseAddress! + start, count: n) }
            start += n
            copied += n
        }
        return copied
    }

    /// Consumes `count` bytes into a new array (fewer at end of input).
    package func read(_ count: Int) throws(FrameSourceError) -> [UInt8] {
        let n = min(try require(count), count)
        let out = Array(buffer[start..<start + n])
        start += n
        return out
    }
}
