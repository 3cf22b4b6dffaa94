import Foundation

/// The run a camera's events belong to: a short, time-ordered identifier written in every event
/// id (`<cameraID>/<ruleID>/<session>-<n>`), so ids never repeat when a live input is reopened,
/// when the process restarts with the same scene, or across cameras.
///
/// A fresh session (`EventSession()`) is a ULID: 26 characters of Crockford base 32, the first
/// 10 the wall-clock time in milliseconds, the other 16 random (80 bits), e.g.
/// `01JEKX4T0C9ZQ8Q4V2M6R7Y3HA`. Sessions created later sort after earlier ones, and two
/// sessions created in the same millisecond differ in their random part. The wall clock is read
/// here only, once per session; rules still read time from frames.
///
/// Tests and integrators who need the same ids from the same frames pass a fixed session
/// (`try EventSession(id: "test")`); two pipelines whose ids are compared must share one.
public struct EventSession: Sendable, Hashable, CustomStringConvertible {
    /// The identifier written in event ids: 1…64 characters from `A-Z a-z 0-9 . _ -`.
    public let id: String

    /// The longest identifier accepted.
    public static let maximumLength = 64

    /// A fresh session: a ULID from the wall clock now and the system's random generator.
    public init() {
        var generator = SystemRandomNumberGenerator()
        self.init(date: Date(), using: &generator)
    }

    /// A ULID session for `date` (milliseconds since 1970, clamped to the 48 bits a ULID holds)
    /// with 80 random bits from `generator`.
    public init(date: Date, using generator: inout some RandomNumberGenerator) {
        let milliseconds = max(0, min(date.timeIntervalSince1970 * 1000, Double(UInt64(1) << 48 - 1)))
        id = Self.ulid(milliseconds: UInt64(milliseconds), random: (generator.next(), generator.next()))
    }

    /// A session with a given identifier, for deterministic ids.
    /// - Throws: `EventSessionError.invalid` if `id` is empty, longer than ``maximumLength`` or has a
    ///   character outside `A-Z a-z 0-9 . _ -` (a `/` would make event ids ambiguous).
    public init(id: String) throws(EventSessionError) {
        guard !id.isEmpty, id.utf8.count <= Self.maximumLength else {
            throw .invalid(id: id, reason: "must have 1 to \(Self.maximumLength) characters")
        }
        guard id.utf8.allSatisfy(Self.isAllowed) else {
            throw .invalid(id: id, reason: "may only contain A-Z, a-z, 0-9, '.', '_' and '-'")
        }
        self.id = id
    }

    /// The identifier.
    public var description: String { id }

    private static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
            true
        default: false
        }
    }

    /// Crockford base 32 of 48 bits of milliseconds then 80 random bits: 26 characters.
    static func ulid(milliseconds: UInt64, random: (UInt64, UInt64)) -> String {
        let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)
        // 130 bits as (high 2 bits + 128 bits): time in the top 48 of the 128-bit value after
        // the two leading zero bits, then 80 random bits.
        let high = (milliseconds & 0xFFFF_FFFF_FFFF) << 16 | (random.0 & 0xFFFF)
        let low = random.1
        var characters: [UInt8] = []
        characters.reserveCapacity(26)
        for index in 0..<26 {
            // Bit offset of this 5-bit group within the 130-bit string (2 leading zero bits).
            let shift = 125 - 5 * index
            var value: UInt64 = 0
            for bit in 0..<5 {
                let position = shift + 4 - bit  // from the most significant of the group
                let set: Bool
                if position >= 128 {
                    set = false
                } else if position >= 64 {
                    set = (high >> UInt64(position - 64)) & 1 == 1
                } else {
                    set = (low >> UInt64(position)) & 1 == 1
                }
                value = value << 1 | (set ? 1 : 0)
            }
            characters.append(alphabet[Int(value)])
        }
        return String(decoding: characters, as: UTF8.self)
    }
}

/// Errors from `EventSession`.
public enum EventSessionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A session identifier that cannot be written in event ids.
    case invalid(id: String, reason: String)

    public var description: String {
        switch self {
        case let .invalid(id, reason):
            "event session id \(String(reflecting: id)) \(reason)"
        }
    }
}
