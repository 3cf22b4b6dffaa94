import Foundation

/// Why a scene file was rejected. Every message names the field and the reason, so an
/// integrator can fix the file without reading code:
///
/// ```
/// zones[0].polygon: self-intersecting (edges 0–1 and 2–3 cross)
/// rules[3].zone: no zone named "quai-2"
/// rules[1].schedule.intervals[0].start: "25:00" is not a time of day (HH:MM, 00:00…23:59)
/// ```
public enum SceneFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A field is missing, has the wrong type, an out-of-range value, or is an unknown key.
    /// `field` is a path into the file such as `rules[3].minDuration` (array indices from 0).
    case invalidValue(field: String, reason: String)
    /// The file could not be read at all (missing, a folder, no permission).
    case unreadable(path: String, reason: String)
    /// The bytes are not JSON; `reason` carries the line and column when the decoder gives them.
    case invalidJSON(reason: String)

    /// `field: reason`, `cannot read PATH: reason`, or `invalid JSON: reason`.
    public var description: String {
        switch self {
        case let .invalidValue(field, reason): "\(field): \(reason)"
        case let .unreadable(path, reason): "cannot read \(path): \(reason)"
        case let .invalidJSON(reason): "invalid JSON: \(reason)"
        }
    }
}

// MARK: - DecodingError to field paths

extension SceneFileError {
    /// Converts a `DecodingError` into a field-path error (`rules[3].minDuration: expected a number`).
    init(_ error: DecodingError) {
        switch error {
        case let .typeMismatch(type, context):
            var reason = "expected \(Self.jsonName(of: type))"
            if let found = Self.foundClause(context.debugDescription) { reason += ", found \(Self.jsonName(found))" }
            self = .invalidValue(field: fieldPath(context.codingPath), reason: reason)
        case let .valueNotFound(type, context):
            self = .invalidValue(
                field: fieldPath(context.codingPath), reason: "null is not allowed; expected \(Self.jsonName(of: type))"
            )
        case let .keyNotFound(key, context):
            self = .invalidValue(field: fieldPath(context.codingPath + [key]), reason: "missing (required)")
        case let .dataCorrupted(context):
            if context.codingPath.isEmpty {
                let underlying = context.underlyingError.map { Self.describe($0) }
                self = .invalidJSON(reason: underlying ?? context.debugDescription)
            } else {
                self = .invalidValue(field: fieldPath(context.codingPath), reason: context.debugDescription)
            }
        @unknown default:
            self = .invalidJSON(reason: "\(error)")
        }
    }

    /// The JSON name of a Swift type the decoder expected.
    private static func jsonName(of type: Any.Type) -> String {
        if type is Double.Type || type is Float.Type { return "a number" }
        if type is Int.Type || type is Int64.Type || type is Int32.Type { return "an integer" }
        if type is String.Type { return "a string" }
        if type is Bool.Type { return "true or false" }
        let name = String(describing: type)
        return name.hasPrefix("Array") || name.hasPrefix("[") ? "an array" : "an object"
    }

    /// `an object` for Foundation's `dictionary`, `a number` for `number`.
    private static func jsonName(_ word: String) -> String {
        switch word.lowercased().replacingOccurrences(of: "a ", with: "") {
        case "dictionary", "object": "an object"
        case "array": "an array"
        case "number": "a number"
        case "string": "a string"
        case "bool", "boolean": "true or false"
        case "null", "nil": "null"
        default: word
        }
    }

    /// `a string` from Foundation's "Expected to decode Double but found a string instead."
    private static func foundClause(_ text: String) -> String? {
        guard let range = text.range(of: "but found ") else { return nil }
        var rest = text[range.upperBound...]
        if let end = rest.range(of: " instead") { rest = rest[..<end.lowerBound] }
        let found = rest.trimmingCharacters(in: .whitespacesAndNewlines.union(.punctuationCharacters))
        return found.isEmpty ? nil : found
    }

    /// The most specific message of a JSON parse error (which carries the line and column).
    private static func describe(_ error: any Error) -> String {
        let nsError = error as NSError
        if let debug = nsError.userInfo[NSDebugDescriptionErrorKey] as? String { return debug }
        return "\(error)"
    }
}

/// `rules[3].minDuration` from a coding path.
func fieldPath(_ path: [any CodingKey]) -> String {
    var text = ""
    for key in path {
        if let index = key.intValue {
            text += "[\(index)]"
        } else {
            text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
        }
    }
    return text.isEmpty ? "(root)" : text
}

/// The position and nature of a JSON syntax error, `line 3, column 12: invalid value`, from
/// JSONSerialization (JSONDecoder does not say where); nil when the bytes parse as JSON.
func jsonSyntaxReason(_ data: Data) -> String? {
    do {
        _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        return nil
    } catch {
        var text = ((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String) ?? "\(error)"
        if text.hasSuffix(".") { text.removeLast() }
        func position(_ offset: Int) -> String {
            let prefix = String(decoding: data.prefix(offset), as: UTF8.self)
            let lines = prefix.split(separator: "\n", omittingEmptySubsequences: false)
            return "line \(lines.count), column \((lines.last?.count ?? 0) + 1)"
        }
        guard let range = text.range(of: " around character "), let offset = Int(text[range.upperBound...]) else {
            // Foundation gives no offset for a file that stops early: the end is where it stops.
            if text.lowercased().contains("end of file") {
                return "\(position(data.count)): the file ends before the JSON does (truncated?)"
            }
            return text
        }
        return "\(position(offset)): \(text[..<range.lowerBound].lowercased())"
    }
}
