import Foundation
import VigieCore

// MARK: - Codable

/// JSON form: camelCase keys named like the Swift properties, times in seconds (a number, not
/// nanoseconds), `nil` fields omitted, plus `schema` (`vigie.event/1`) and the derived `topic`.
extension Event: Codable {
    enum CodingKeys: String, CodingKey {
        case schema, id, kind, phase, ruleID, zoneID, lineID, cameraID, startTime, time, endTime, objects
        case measurements, score, topic, snapshot
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Event.schema, forKey: .schema)
        try c.encode(id, forKey: .id)
        try c.encode(kind, forKey: .kind)
        try c.encode(phase, forKey: .phase)
        try c.encode(ruleID, forKey: .ruleID)
        try c.encodeIfPresent(zoneID, forKey: .zoneID)
        try c.encodeIfPresent(lineID, forKey: .lineID)
        try c.encode(cameraID, forKey: .cameraID)
        try c.encode(startTime.seconds, forKey: .startTime)
        try c.encode(time.seconds, forKey: .time)
        try c.encodeIfPresent(endTime?.seconds, forKey: .endTime)
        try c.encode(objects, forKey: .objects)
        try c.encode(measurements, forKey: .measurements)
        try c.encode(score, forKey: .score)
        try c.encode(topic, forKey: .topic)
        try c.encodeIfPresent(snapshot, forKey: .snapshot)
    }

    /// Decodes an event; `topic` is derived from `kind` and not read back. Fails on another
    /// `schema`, a score outside 0…1 or a `time` before `startTime`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let schema = try c.decode(String.self, forKey: .schema)
        guard schema == Event.schema else {
            throw DecodingError.dataCorruptedError(
                forKey: .schema, in: c,
                debugDescription: "unsupported schema \"\(schema)\", expected \"\(Event.schema)\"")
        }
        id = try c.decode(String.self, forKey: .id)
        kind = try c.decode(EventKind.self, forKey: .kind)
        phase = try c.decode(EventPhase.self, forKey: .phase)
        ruleID = try c.decode(String.self, forKey: .ruleID)
        zoneID = try c.decodeIfPresent(String.self, forKey: .zoneID)
        lineID = try c.decodeIfPresent(String.self, forKey: .lineID)
        cameraID = try c.decode(String.self, forKey: .cameraID)
        startTime = Timestamp(seconds: try c.decode(Double.self, forKey: .startTime))
        time = Timestamp(seconds: try c.decode(Double.self, forKey: .time))
        endTime = try c.decodeIfPresent(Double.self, forKey: .endTime).map(Timestamp.init(seconds:))
        objects = try c.decode([EventObject].self, forKey: .objects)
        measurements = try c.decode(EventMeasurements.self, forKey: .measurements)
        score = try c.decode(Double.self, forKey: .score)
        snapshot = try c.decodeIfPresent(String.self, forKey: .snapshot)
        guard score >= 0 && score <= 1 else {
            throw DecodingError.dataCorruptedError(
                forKey: .score, in: c, debugDescription: "score \(score) is outside 0…1")
        }
        guard time >= startTime else {
            throw DecodingError.dataCorruptedError(
                forKey: .time, in: c, debugDescription: "time \(time) is before startTime \(startTime)")
        }
    }
}

// MARK: - Errors

/// Errors turning events into JSON lines and back.
public enum EventCodingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An event that cannot be written, e.g. a measurement that is NaN or infinite.
    /// `field` is the JSON path (`measurements.density`).
    case unencodable(field: String, reason: String)
    /// A line that is not a valid event; `line` is its 1-based number when decoding several.
    case invalidLine(line: Int?, field: String, reason: String)

    public var description: String {
        switch self {
        case .unencodable(let field, let reason): "cannot encode event: \(field): \(reason)"
        case .invalidLine(let line, let field, let reason):
            "\(line.map { "line \($0): " } ?? "")invalid event: \(field.isEmpty ? "" : "\(field): ")\(reason)"
        }
    }
}

// MARK: - Encoder and decoder

/// Writes events as JSON Lines: one compact line per event, keys sorted, `nil` fields omitted,
/// slashes not escaped. The same event always gives the same bytes.
public struct EventEncoder: Sendable {
    /// An encoder.
    public init() {}

    /// The event as one line of JSON, without the trailing newline.
    public func encode(_ event: Event) throws(EventCodingError) -> String {
        String(decoding: try encodeBytes(event, newline: false), as: UTF8.self)
    }

    /// The event as UTF-8 bytes, with a trailing `\n` if `newline` (what a sink writes).
    public func encodeBytes(_ event: Event, newline: Bool = true) throws(EventCodingError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            var bytes = [UInt8](try encoder.encode(event))
            if newline { bytes.append(0x0A) }
            return bytes
        } catch let EncodingError.invalidValue(value, context) {
            throw .unencodable(
                field: jsonPath(context.codingPath),
                reason: "\(value) cannot be written in JSON (\(context.debugDescription))")
        } catch {
            throw .unencodable(field: "", reason: "\(error)")
        }
    }
}

/// Reads events back from JSON lines written by `EventEncoder`.
public struct EventDecoder: Sendable {
    /// A decoder.
    public init() {}

    /// The event on one line (a trailing newline is allowed).
    public func decode(_ line: String) throws(EventCodingError) -> Event {
        try decode(line, lineNumber: nil)
    }

    /// Every event of a JSON Lines text, skipping blank lines; errors name the 1-based line.
    public func decodeLines(_ text: String) throws(EventCodingError) -> [Event] {
        var events: [Event] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where !line.allSatisfy(\.isWhitespace) {
            events.append(try decode(String(line), lineNumber: index + 1))
        }
        return events
    }

    private func decode(_ line: String, lineNumber: Int?) throws(EventCodingError) -> Event {
        do {
            return try JSONDecoder().decode(Event.self, from: Data(line.utf8))
        } catch let error as DecodingError {
            let (path, reason) = describe(error)
            throw .invalidLine(line: lineNumber, field: path, reason: reason)
        } catch {
            throw .invalidLine(line: lineNumber, field: "", reason: "\(error)")
        }
    }

    private func describe(_ error: DecodingError) -> (String, String) {
        switch error {
        case .keyNotFound(let key, let context):
            (jsonPath(context.codingPath + [key]), "missing")
        case .typeMismatch(let type, let context):
            (jsonPath(context.codingPath), "expected \(type)")
        case .valueNotFound(let type, let context):
            (jsonPath(context.codingPath), "expected \(type), found null")
        case .dataCorrupted(let context):
            (jsonPath(context.codingPath), context.debugDescription)
        @unknown default:
            ("", "\(error)")
        }
    }
}

/// `objects[0].box.x` from a coding path.
private func jsonPath(_ path: [any CodingKey]) -> String {
    var out = ""
    for key in path {
        if let index = key.intValue {
            out += "[\(index)]"
        } else {
            out += out.isEmpty ? key.stringValue : ".\(key.stringValue)"
        }
    }
    return out
}

extension Event {
    /// The event as one compact JSON line (no trailing newline): see `EventEncoder`.
    public func jsonLine() throws(EventCodingError) -> String {
        try EventEncoder().encode(self)
    }

    /// The event written on `line` by `jsonLine()`.
    public init(jsonLine line: String) throws(EventCodingError) {
        self = try EventDecoder().decode(line)
    }
}
