import Foundation
import VigieEvents

/// The JSON the API gives for alerts and cameras: the event of Documentation/Events.md (its
/// latest phase) plus the alert's state, the operator's decision, wall-clock times (ISO 8601 UTC)
/// and the snapshot's URL. Geometry and measurements only: no pixels.
enum APIRepresentation {
    static func alert(_ alert: EventStore.Alert) -> [String: Any] {
        var object = eventObject(alert.latest)
        object["status"] = alert.decision == nil ? "open" : "acknowledged"
        object["startedAt"] = ISOTime.format(alert.startedAt)
        object["endedAt"] = alert.endedAt.map(ISOTime.format) ?? NSNull()
        object["decision"] = alert.decision.map(decision) ?? NSNull()
        object["snapshotURL"] = alert.hasSnapshot ? "/api/events/\(escape(alert.latest.id))/snapshot.jpg" : NSNull()
        return object
    }

    /// One stored phase as the SSE stream sends it (with its alert's state when known).
    static func phase(_ stored: EventStore.StoredEvent, alert: EventStore.Alert?) -> [String: Any] {
        var object = alert.map(self.alert) ?? eventObject(stored.event)
        for (key, value) in eventObject(stored.event) { object[key] = value }  // this phase, not the latest
        object["at"] = ISOTime.format(stored.wallTime)
        object["seq"] = stored.seq
        return object
    }

    static func decision(_ decision: EventStore.Decision) -> [String: Any] {
        ["decision": decision.decision.rawValue, "note": decision.note, "operator": decision.operator,
         "time": ISOTime.format(decision.time)]
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

    /// The event's own JSON (schema `vigie.event/1`) as an object.
    static func eventObject(_ event: Event) -> [String: Any] {
        guard let line = try? event.jsonLine(), let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            return ["id": event.id]
        }
        return object
    }

    /// An id as one URL path segment (`/` and every reserved character percent-encoded).
    static func escape(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? id
    }
}
