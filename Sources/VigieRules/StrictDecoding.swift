import VigieCore

/// A coding key for any string, used to list the keys an object really has.
package struct AnyKey: CodingKey {
    package var stringValue: String
    package var intValue: Int? { nil }
    package init(_ string: String) { stringValue = string }
    package init?(stringValue: String) { self.stringValue = stringValue }
    package init?(intValue: Int) { nil }
}

extension Decoder {
    /// Throws for the first key (in alphabetical order) that `Keys` does not name, so a typo
    /// (`minDuraton`) is an error instead of a silently ignored field. The error's coding path
    /// ends with the unknown key; its message suggests the nearest known key.
    package func rejectUnknownKeys<Keys: CodingKey & CaseIterable>(_ keys: Keys.Type, alsoAllowed: [String] = []) throws {
        let container = try self.container(keyedBy: AnyKey.self)
        let known = Keys.allCases.map(\.stringValue) + alsoAllowed
        let unknown = container.allKeys.map(\.stringValue).filter { !known.contains($0) }.sorted()
        guard let first = unknown.first else { return }
        throw DecodingError.dataCorrupted(
            .init(codingPath: codingPath + [AnyKey(first)], debugDescription: unknownKeyReason(first, known: known)))
    }

    /// Decodes a `String` field into a `RawRepresentable` enum, listing the accepted values when it fails.
    func decodeName<T: RawRepresentable & CaseIterable>(
        _ type: T.Type, from string: String, at key: any CodingKey, what: String
    )
        throws -> T where T.RawValue == String
    {
        if let value = T(rawValue: string) { return value }
        let accepted = T.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
        throw DecodingError.dataCorrupted(
            .init(
                codingPath: codingPath + [key],
                debugDescription: "unknown \(what) \"\(string)\"; expected one of \(accepted)"))
    }
}

/// `unknown key; did you mean "minDuration"?` or `unknown key; expected one of …`.
func unknownKeyReason(_ key: String, known: [String]) -> String {
    let scored = known.map { ($0, editDistance($0.lowercased(), key.lowercased())) }.min { $0.1 < $1.1 }
    if let (best, distance) = scored, distance <= max(2, key.count / 4) {
        return "unknown key; did you mean \"\(best)\"?"
    }
    return "unknown key; expected one of " + known.map { "\"\($0)\"" }.joined(separator: ", ")
}

/// Levenshtein distance between two short strings.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}

/// A `{"x": …, "y": …}` point that rejects any other key (NormalisedPoint's own decoder ignores them).
private struct StrictPoint: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable { case x, y }
    let point: NormalisedPoint
    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        point = NormalisedPoint(x: try c.decode(Double.self, forKey: .x), y: try c.decode(Double.self, forKey: .y))
    }
}

extension KeyedDecodingContainer {
    /// A point that must have exactly the keys `x` and `y`.
    func decodePoint(forKey key: Key) throws -> NormalisedPoint {
        try decode(StrictPoint.self, forKey: key).point
    }

    /// A list of points that must each have exactly the keys `x` and `y`.
    func decodePolygon(forKey key: Key) throws -> [NormalisedPoint] {
        try decode([StrictPoint].self, forKey: key).map(\.point)
    }
}

extension KeyedDecodingContainer {
    /// An integer field: a JSON number with a fractional part is an error naming the field
    /// (Foundation reports it as invalid JSON, without a path).
    func decodeIntegerIfPresent(forKey key: Key) throws -> Int? {
        guard let value = try decodeIfPresent(Double.self, forKey: key) else { return nil }
        guard value.rounded() == value, abs(value) < 1e15 else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: codingPath + [key], debugDescription: "expected an integer, found \(value)"))
        }
        return Int(value)
    }
}
