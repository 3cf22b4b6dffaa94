/// Topic names and filters (MQTT 3.1.1 section 4.7): validation and matching.
public enum MQTTTopic {
    /// Checks a topic name that can be published to: not empty, no `+` or `#`, no U+0000, at most
    /// 65,535 UTF-8 bytes.
    public static func validateName(_ topic: String) throws(MQTTClientError) {
        guard !topic.isEmpty else { throw .invalidTopic(topic: topic, reason: "empty") }
        guard topic.utf8.count <= Int(UInt16.max) else {
            throw .invalidTopic(topic: String(topic.prefix(40)) + "…", reason: "\(topic.utf8.count) UTF-8 bytes, at most 65535")
        }
        guard !topic.contains("+"), !topic.contains("#") else {
            throw .invalidTopic(topic: topic, reason: "wildcards (+ or #) are for subscriptions only")
        }
        guard !topic.unicodeScalars.contains("\u{0}") else { throw .invalidTopic(topic: topic, reason: "contains U+0000") }
    }

    /// Checks a topic filter: not empty, `+` only as a whole level, `#` only as the whole last level.
    public static func validateFilter(_ filter: String) throws(MQTTClientError) {
        guard !filter.isEmpty else { throw .invalidTopicFilter(filter: filter, reason: "empty") }
        guard filter.utf8.count <= Int(UInt16.max) else {
            throw .invalidTopicFilter(filter: String(filter.prefix(40)) + "…", reason: "longer than 65535 UTF-8 bytes")
        }
        guard !filter.unicodeScalars.contains("\u{0}") else {
            throw .invalidTopicFilter(filter: filter, reason: "contains U+0000")
        }
        let levels = filter.split(separator: "/", omittingEmptySubsequences: false)
        for (index, level) in levels.enumerated() {
            if level.contains("#") && (level != "#" || index != levels.count - 1) {
                throw .invalidTopicFilter(filter: filter, reason: "# must be the whole last level")
            }
            if level.contains("+") && level != "+" {
                throw .invalidTopicFilter(filter: filter, reason: "+ must be a whole level")
            }
        }
    }

    /// Whether `topic` matches `filter`: `+` matches one level, `#` the rest (including the parent
    /// level); a wildcard in the first level does not match a topic starting with `$`.
    public static func matches(topic: String, filter: String) -> Bool {
        let topicLevels = topic.split(separator: "/", omittingEmptySubsequences: false)
        let filterLevels = filter.split(separator: "/", omittingEmptySubsequences: false)
        if topic.hasPrefix("$"), let first = filterLevels.first, first == "+" || first == "#" { return false }
        var index = 0
        while index < filterLevels.count {
            let level = filterLevels[index]
            if level == "#" { return true }
            guard index < topicLevels.count else { return false }
            if level != "+" && level != topicLevels[index] { return false }
            index += 1
        }
        return index == topicLevels.count
    }
}
