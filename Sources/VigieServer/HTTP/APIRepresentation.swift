import Foundation
import VigieEvents

/// The JSON the API gives for alerts and cameras: the event of Documentation/Events.md (its
/// latest phase) plus the alert's state, the operator's decision, wall-clock times (ISO 8601 UTC)
/// and the snapshot's URL. Geometry and measurements only: no pixels.
///
/// Alerts are written as text: the stored event JSON is spliced with the alert's state, so a page
/// of 50 alerts costs no JSON decoding or re-encoding (the event's keys and the state's keys are
/// disjoint: the schema has no `status`, `startedAt`, `endedAt`, `decision`, `snapshotURL`, `at`
/// or `seq`).
enum APIRepresentation {
    /// The alert as one JSON object (text).
    static func alert(_ alert: EventStore.Alert) -> String {
        splice(alert.latestJSON, alertState(alert))
    }

    /// One stored phase as the SSE stream sends it: this phase's event, its alert's current state
    /// (when the alert is still stored), the phase's wall-clock time and its store sequence number.
    static func phase(_ record: EventStore.PhaseRecord) -> String {
        var extra = record.alert.map(alertState) ?? []
        extra.append(("at", JSONText.string(ISOTime.format(record.wallTime))))
        extra.append(("seq", String(record.seq)))
        return splice(record.json, extra)
    }

    /// A page of alerts: `{"events": [...], "nextCursor": "…" | null}`.
    static func page(_ alerts: [EventStore.Alert], nextCursor: Int64?) -> String {
        var text = #"{"events":["#
        for (index, alert) in alerts.enumerated() {
            if index > 0 { text += "," }
            text += self.alert(alert)
        }
        text += #"],"nextCursor":"# + (nextCursor.map { JSONText.string(String($0)) } ?? "null") + "}"
        return text
    }

    private static func alertState(_ alert: EventStore.Alert) -> [(String, String)] {
        [
            ("status", JSONText.string(alert.decision == nil ? "open" : "acknowledged")),
            ("startedAt", JSONText.string(ISOTime.format(alert.startedAt))),
            ("endedAt", alert.endedAt.map { JSONText.string(ISOTime.format($0)) } ?? "null"),
            ("decision", alert.decision.map(decisionText) ?? "null"),
            ("snapshotURL", alert.hasSnapshot ? JSONText.string("/api/events/\(escape(alert.id))/snapshot.jpg") : "null"),
        ]
    }

    /// `object` (a JSON object's text) with `members` (key, JSON value text) appended.
    private static func splice(_ object: String, _ members: [(String, String)]) -> String {
        var text = Substring(object)
        while let last = text.last, last.isWhitespace { text.removeLast() }
        guard text.last == "}" else { return "{}" }  // never stored: every phase is written by EventEncoder
        text.removeLast()
        var out = String(text)
        var empty = out.drop(while: \.isWhitespace) == "{"
        for (key, value) in members {
            out += empty ? "" : ","
            out += JSONText.string(key) + ":" + value
            empty = false
        }
        return out + "}"
    }

    private static func decisionText(_ decision: EventStore.Decision) -> String {
        "{" + [
            ("decision", decision.decision.rawValue), ("note", decision.note), ("operator", decision.operator),
            ("time", ISOTime.format(decision.time)),
        ].map { JSONText.string($0.0) + ":" + JSONText.string($0.1) }.joined(separator: ",") + "}"
    }

    static func camera(_ status: CameraWorker.Status, counts: EventStore.CameraCounts?) -> [String: Any] {
        [
            "id": status.id, "state": status.state.rawValue, "input": status.input,
            "fps": (status.fps * 10).rounded() / 10, "frames": status.frames, "droppedFrames": status.droppedFrames,
            "lastFrameTime": status.lastFrameTime.map(ISOTime.format) ?? NSNull(), "restarts": status.restarts,
            "lastError": status.lastError ?? NSNull(), "warm": status.isWarm,
            "alertsToday": counts?.alerts ?? 0, "falseAlarmsToday": counts?.falseAlarms ?? 0,
            "previewURL": "/api/cameras/\(escape(status.id))/preview.jpg",
        ]
    }

    /// An id as one URL path segment (`/` and every reserved character percent-encoded).
    static func escape(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? id
    }
}

/// JSON text for values the API writes by hand.
enum JSONText {
    /// `value` as a JSON string literal (quotes, backslashes and control characters escaped).
    static func string(_ value: String) -> String {
        if !value.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            return "\"" + value + "\""  // nothing to escape: ids, kinds, times
        }
        var out = "\""
        out.reserveCapacity(value.utf8.count + 2)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += "\\u00" + String(scalar.value >> 4, radix: 16) + String(scalar.value & 15, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
