import Crypto
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The secret that authenticates a journal's entries: each entry written with a key carries the
/// key's id (`keyID`) and an HMAC-SHA256 of its canonical body (`mac`), so an entry edited or
/// forged with a freshly computed hash fails verification unless the forger holds the key.
///
/// A key is 32 random bytes; its id is the first 8 bytes of the SHA-256 of the key, in hex
/// (16 characters), which names the key without revealing it. On disk a key file holds the 64
/// hexadecimal digits of the key and a newline, readable by its owner only (mode 0600): the
/// default is beside the journal, `alerts.journal` → `alerts.journal.key`
/// (``defaultPath(forJournal:)``). Keep a copy where the auditor can reach it and the camera
/// host cannot change it; see `Documentation/Journal.md` for handling and rotation.
public struct JournalKey: Sendable, Hashable, CustomStringConvertible {
    /// The key's bytes (32).
    let bytes: [UInt8]
    /// The key's id: hex of the first 8 bytes of SHA-256(key).
    public let id: String

    /// A key from its bytes (at least 16; 32 recommended).
    /// - Throws: `JournalError.invalidKey` if shorter than 16 bytes.
    public init(bytes: [UInt8]) throws(JournalError) {
        guard bytes.count >= 16 else { throw .invalidKey(path: "", reason: "a key needs at least 16 bytes, got \(bytes.count)") }
        self.bytes = bytes
        id = String(Journal.sha256Hex(bytes).prefix(16))
    }

    /// A fresh key of 32 random bytes from the system's generator.
    public static func generate() -> JournalKey {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return try! JournalKey(bytes: bytes)  // 32 bytes: always valid
    }

    /// `<journal>.key`: where a journal's key lives by default.
    public static func defaultPath(forJournal journal: String) -> String { journal + ".key" }

    /// Reads the key file at `path`.
    /// - Throws: `JournalError.invalidKey` if it is missing, unreadable, not 64 hex digits, or
    ///   readable or writable by anyone but its owner (its mode must be 0600 or stricter).
    public static func load(path: String) throws(JournalError) -> JournalKey {
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw .invalidKey(path: path, reason: errno == ENOENT ? "no such key file" : systemMessage(errno))
        }
        guard status.st_mode & 0o077 == 0 else {
            throw .invalidKey(path: path, reason: "mode \(String(status.st_mode & 0o777, radix: 8)) lets others read or "
                              + "change the key: chmod 600 it")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .invalidKey(path: path, reason: "cannot read the key file")
        }
        var text = Array(data)
        while let last = text.last, last == 0x0A || last == 0x0D || last == 0x20 { text.removeLast() }
        guard text.count == 64, let bytes = Self.decodeHex(text) else {
            throw .invalidKey(path: path, reason: "a key file holds 64 hexadecimal digits")
        }
        return try JournalKey(bytes: bytes)
    }

    /// The key file at `path`, created with a fresh key (mode 0600, never overwriting) if there
    /// is none.
    public static func loadOrCreate(path: String) throws(JournalError) -> JournalKey {
        if FileManager.default.fileExists(atPath: path) { return try load(path: path) }
        let key = generate()
        try key.write(to: path)
        return key
    }

    /// Writes the key to a new file at `path`, mode 0600; fails if the file exists.
    public func write(to path: String) throws(JournalError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .invalidKey(path: path, reason: "cannot create: \(systemMessage(errno))") }
        let text = Array((Self.encodeHex(bytes) + "\n").utf8)
        let written = text.withUnsafeBytes { systemWrite(fd, $0.baseAddress!, $0.count) }
        let synced = fsync(fd) == 0
        _ = close(fd)
        guard written == text.count, synced else {
            unlink(path)
            throw .invalidKey(path: path, reason: "cannot write the key file")
        }
    }

    /// The lowercase hex HMAC-SHA256 of `body` under this key: an entry's `mac`.
    func mac(_ body: [UInt8]) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: bytes))
        return Self.encodeHex(Array(code))
    }

    /// Whether `mac` (hex) is this key's HMAC of `body`, compared in constant time.
    func verifies(_ body: [UInt8], mac: String) -> Bool {
        guard let code = Self.decodeHex(Array(mac.utf8)) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(code, authenticating: body, using: SymmetricKey(data: bytes))
    }

    /// `journal key 3f2a…` (the id only: never the key).
    public var description: String { "journal key \(id)" }

    static func encodeHex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func decodeHex(_ text: [UInt8]) -> [UInt8]? {
        guard text.count % 2 == 0 else { return nil }
        func value(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(text.count / 2)
        var i = 0
        while i < text.count {
            guard let high = value(text[i]), let low = value(text[i + 1]) else { return nil }
            out.append(high << 4 | low)
            i += 2
        }
        return out
    }
}

/// A set of keys a verifier may need: the current one and those it rotated away from.
public struct JournalKeyring: Sendable, Hashable {
    /// The keys by id.
    public private(set) var keys: [String: JournalKey] = [:]

    /// A keyring holding `keys`.
    public init(_ keys: [JournalKey] = []) {
        for key in keys { self.keys[key.id] = key }
    }

    /// Whether no key is held.
    public var isEmpty: Bool { keys.isEmpty }

    /// The key with id `id`, if held.
    public subscript(id: String) -> JournalKey? { keys[id] }
}

/// `write(2)`, named apart from `JournalKey.write(to:)`.
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}

/// `strerror(3)` for `code`.
private func systemMessage(_ code: Int32) -> String {
    guard let message = strerror(code) else { return "error \(code)" }
    return "\(String(cString: message)) (errno \(code))"
}
