import Foundation
import Testing
import VigieEvents

/// Checks encoded events against `Documentation/event.schema.json` with a small validator
/// covering the keywords that schema uses (type, const, enum, required, properties,
/// additionalProperties, items, $ref, minimum, maximum, exclusiveMaximum, minLength).
@Suite("Event schema")
struct EventSchemaTests {
    static let schemaURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Documentation/event.schema.json")

    private func loadSchema() throws -> [String: Any] {
        let data = try Data(contentsOf: Self.schemaURL)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func everySampleEventConforms() throws {
        let schema = try loadSchema()
        #expect(schema["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
        for event in Fixtures.sample {
            let line = try event.jsonLine()
            let instance = try JSONSerialization.jsonObject(with: Data(line.utf8))
            var problems: [String] = []
            validate(instance, against: schema, root: schema, path: "$", problems: &problems)
            #expect(problems.isEmpty, "\(line): \(problems)")
        }
    }

    @Test func schemaDeclaresExactlyTheKeysTheEncoderCanEmit() throws {
        let schema = try loadSchema()
        let properties = try #require(schema["properties"] as? [String: Any])
        let full = try #require(
            try JSONSerialization.jsonObject(with: Data(Fixtures.full.jsonLine().utf8)) as? [String: Any])
        #expect(Set(properties.keys) == Set(full.keys))
        let minimal = try #require(
            try JSONSerialization.jsonObject(with: Data(Fixtures.minimal.jsonLine().utf8)) as? [String: Any])
        #expect(Set(schema["required"] as? [String] ?? []) == Set(minimal.keys))
        let defs = try #require(schema["$defs"] as? [String: Any])
        let measurements = try #require((defs["measurements"] as? [String: Any])?["properties"] as? [String: Any])
        let emitted = try #require(full["measurements"] as? [String: Any])
        #expect(Set(measurements.keys) == Set(emitted.keys))
    }

    @Test func schemaEnumsMatchTheSwiftTypes() throws {
        let properties = try #require(try loadSchema()["properties"] as? [String: Any])
        let kinds = (properties["kind"] as? [String: Any])?["enum"] as? [String]
        #expect(kinds == EventKind.allCases.map(\.rawValue))
        let phases = (properties["phase"] as? [String: Any])?["enum"] as? [String]
        #expect(phases == EventPhase.allCases.map(\.rawValue))
        let topics = (properties["topic"] as? [String: Any])?["enum"] as? [String]
        #expect(Set(topics ?? []) == EventKind.allTopics)
    }

    @Test func validatorRejectsBadInstances() throws {
        let schema = try loadSchema()
        var good = try #require(
            try JSONSerialization.jsonObject(with: Data(Fixtures.full.jsonLine().utf8)) as? [String: Any])
        var problems: [String] = []
        validate(good, against: schema, root: schema, path: "$", problems: &problems)
        #expect(problems.isEmpty)
        good["extra"] = 1
        good["score"] = 2
        good.removeValue(forKey: "kind")
        validate(good, against: schema, root: schema, path: "$", problems: &problems)
        #expect(problems.count == 3, "\(problems)")
    }
}

// MARK: - A minimal JSON Schema validator

private func validate(
    _ value: Any, against schema: [String: Any], root: [String: Any], path: String, problems: inout [String]
) {
    if let ref = schema["$ref"] as? String {
        guard ref.hasPrefix("#/$defs/"), let defs = root["$defs"] as? [String: Any],
            let target = defs[String(ref.dropFirst("#/$defs/".count))] as? [String: Any]
        else {
            problems.append("\(path): unresolved $ref \(ref)")
            return
        }
        validate(value, against: target, root: root, path: path, problems: &problems)
    }
    if let type = schema["type"] as? String, !matches(value, type: type) {
        problems.append("\(path): expected \(type), got \(value)")
        return
    }
    if let constant = schema["const"], !isEqual(value, constant) { problems.append("\(path): not \(constant)") }
    if let options = schema["enum"] as? [Any], !options.contains(where: { isEqual(value, $0) }) {
        problems.append("\(path): \(value) not in enum")
    }
    if let number = numberValue(value) {
        if let minimum = schema["minimum"].flatMap(numberValue), number < minimum {
            problems.append("\(path): < minimum")
        }
        if let maximum = schema["maximum"].flatMap(numberValue), number > maximum {
            problems.append("\(path): > maximum")
        }
        if let maximum = schema["exclusiveMaximum"].flatMap(numberValue), number >= maximum {
            problems.append("\(path): >= exclusiveMaximum")
        }
    }
    if let string = value as? String, let minLength = schema["minLength"] as? Int, string.count < minLength {
        problems.append("\(path): shorter than \(minLength)")
    }
    if let object = value as? [String: Any] {
        let properties = schema["properties"] as? [String: Any] ?? [:]
        for key in schema["required"] as? [String] ?? [] where object[key] == nil {
            problems.append("\(path).\(key): required")
        }
        for (key, member) in object {
            if let subschema = properties[key] as? [String: Any] {
                validate(member, against: subschema, root: root, path: "\(path).\(key)", problems: &problems)
            } else if (schema["additionalProperties"] as? Bool) == false {
                problems.append("\(path).\(key): not declared")
            }
        }
    }
    if let array = value as? [Any], let items = schema["items"] as? [String: Any] {
        for (i, element) in array.enumerated() {
            validate(element, against: items, root: root, path: "\(path)[\(i)]", problems: &problems)
        }
    }
}

private func numberValue(_ value: Any) -> Double? {
    if value is String || value is [Any] || value is [String: Any] { return nil }
    return (value as? NSNumber)?.doubleValue
}

private func matches(_ value: Any, type: String) -> Bool {
    switch type {
    case "object": value is [String: Any]
    case "array": value is [Any]
    case "string": value is String
    case "number": numberValue(value) != nil
    case "integer": numberValue(value).map { $0 == $0.rounded() } ?? false
    default: false
    }
}

private func isEqual(_ a: Any, _ b: Any) -> Bool {
    if let a = a as? String, let b = b as? String { return a == b }
    if let a = numberValue(a), let b = numberValue(b) { return a == b }
    return false
}
