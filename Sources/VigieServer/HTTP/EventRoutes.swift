import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import VigieEvents

/// `/api/events…`: alerts from the store, the live stream, decisions and snapshots.
struct EventRoutes {
    let node: VigieNode
    let maxBodyBytes: Int

    func add(to group: RouterGroup<APIRequestContext>) {
        group.get("events", use: list)
        group.get("events/stream", use: stream)
        group.get("events/{id}", use: one)
        group.post("events/{id}/acknowledge", use: acknowledge)
        group.get("events/{id}/snapshot.jpg", use: snapshot)
    }

    /// `GET /api/events?camera=&kind=&since=&until=&status=open|acknowledged&limit=&cursor=`
    @Sendable func list(_ request: Request, context: APIRequestContext) async throws -> Response {
        let q = request.uri.queryParameters
        var query = EventStore.AlertQuery()
        query.camera = q.get("camera")
        if let kind = q.get("kind") {
            guard let parsed = EventKind(rawValue: kind) else {
                throw APIError(.badRequest, "kind: unknown event kind \"\(kind)\"; expected one of "
                               + EventKind.allCases.map(\.rawValue).joined(separator: ", "))
            }
            query.kind = parsed
        }
        query.since = try time(q.get("since"), "since")
        query.until = try time(q.get("until"), "until")
        switch q.get("status") {
        case nil: break
        case "open": query.acknowledged = false
        case "acknowledged": query.acknowledged = true
        case let other?: throw APIError(.badRequest, "status: \"\(other)\" is not open or acknowledged")
        }
        if let limit = q.get("limit") {
            guard let n = Int(limit), (1...500).contains(n) else { throw APIError(.badRequest, "limit: must be an integer in 1…500") }
            query.limit = n
        }
        if let cursor = q.get("cursor") {
            guard let n = Int64(cursor), n > 0 else { throw APIError(.badRequest, "cursor: not a cursor from a previous page") }
            query.before = n
        }
        let alerts = try node.store.alerts(query)
        let next = alerts.count == query.limit ? alerts.last?.rowID : nil
        return JSON.response(text: APIRepresentation.page(alerts, nextCursor: next))
    }

    /// `GET /api/events/{id}`
    @Sendable func one(_ request: Request, context: APIRequestContext) async throws -> Response {
        let id = try eventID(context)
        guard let alert = try node.store.alert(id: id) else { throw APIError(.notFound, "no event has id \(id)") }
        return JSON.response(text: APIRepresentation.alert(alert))
    }

    /// `POST /api/events/{id}/acknowledge` with `{"decision": "confirmed"|"false-alarm"|"dismissed", "note": "…"}`
    @Sendable func acknowledge(_ request: Request, context: APIRequestContext) async throws -> Response {
        guard let caller = context.caller, caller.role == .operator else {
            throw APIError(.forbidden, "only an operator token may acknowledge events")
        }
        let id = try eventID(context)
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: maxBodyBytes)
        } catch {
            throw APIError(.contentTooLarge, "the request body is larger than \(maxBodyBytes) bytes")
        }
        let (decision, note) = try Self.decodeDecision(Array(buffer: body))
        do {
            let alert = try node.acknowledge(alertID: id, decision: decision, note: note, by: caller)
            return JSON.response(text: APIRepresentation.alert(alert))
        } catch StoreError.unknownAlert {
            throw APIError(.notFound, "no event has id \(id)")
        } catch StoreError.alreadyAcknowledged {
            throw APIError(.conflict, "event \(id) is already acknowledged")
        }
    }

    /// `GET /api/events/{id}/snapshot.jpg`: the anonymised image stored when the alert started.
    @Sendable func snapshot(_ request: Request, context: APIRequestContext) async throws -> Response {
        let id = try eventID(context)
        guard let jpeg = try node.store.snapshot(alertID: id) else { throw APIError(.notFound, "no snapshot for event \(id)") }
        return JSON.jpeg(jpeg)
    }

    /// `GET /api/events/stream`: Server-Sent Events read from the store. Each message is one event
    /// phase: `id:` its store sequence number, `event:` its phase, `data:` the alert JSON. With
    /// `Last-Event-ID` (or `?lastEventId=`) the stream resumes after that number; without, it
    /// starts with what is stored from now on.
    @Sendable func stream(_ request: Request, context: APIRequestContext) async throws -> Response {
        let resume = request.headers[HTTPField.Name("Last-Event-ID")!] ?? request.uri.queryParameters.get("lastEventId")
        let start: Int64
        if let resume {
            guard let n = Int64(resume), n >= 0 else { throw APIError(.badRequest, "Last-Event-ID: not an event stream id") }
            start = n
        } else {
            start = try node.store.lastSequence()
        }
        let store = node.store
        let node = self.node
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            try await writer.write(ByteBuffer(string: "retry: 2000\n\n"))
            var cursor = start
            while !Task.isCancelled, !node.isStopping {
                let seen = store.changes.current
                let phases = try store.phaseRecords(after: cursor, limit: 200)
                if phases.isEmpty {
                    await store.changes.wait(after: seen, timeout: 15)
                    if store.changes.current == seen { try await writer.write(ByteBuffer(string: ": keep-alive\n\n")) }
                    continue
                }
                var text = ""
                for record in phases {
                    text += "id: \(record.seq)\nevent: \(record.phase)\ndata: " + APIRepresentation.phase(record) + "\n\n"
                    cursor = record.seq
                }
                try await writer.write(ByteBuffer(string: text))
            }
            try await writer.finish(nil)
        })
    }

    /// The `{id}` path parameter, percent-decoded (event ids contain `/`).
    private func eventID(_ context: APIRequestContext) throws -> String {
        let raw = try context.parameters.require("id")
        guard let id = raw.removingPercentEncoding, !id.isEmpty else { throw APIError(.badRequest, "malformed event id") }
        return id
    }

    private func time(_ text: String?, _ name: String) throws -> Date? {
        guard let text else { return nil }
        guard let date = ISOTime.parse(text) else { throw APIError(.badRequest, "\(name): \"\(text)\" is not an ISO 8601 time") }
        return date
    }

    /// Decodes `{"decision": …, "note": …}` strictly: unknown keys, wrong types and unknown
    /// decisions are 400s that name the field.
    static func decodeDecision(_ bytes: [UInt8]) throws -> (EventStore.DecisionKind, String) {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] else {
            throw APIError(.badRequest, "the body must be a JSON object {\"decision\": …, \"note\": …}")
        }
        if let unknown = object.keys.sorted().first(where: { $0 != "decision" && $0 != "note" }) {
            throw APIError(.badRequest, "\(unknown): unknown key; expected \"decision\" and \"note\"")
        }
        let accepted = EventStore.DecisionKind.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
        guard let text = object["decision"] as? String else { throw APIError(.badRequest, "decision: missing; expected one of \(accepted)") }
        guard let decision = EventStore.DecisionKind(rawValue: text) else {
            throw APIError(.badRequest, "decision: \"\(text)\" is not one of \(accepted)")
        }
        let note: String
        switch object["note"] {
        case nil, is NSNull: note = ""
        case let text as String: note = text
        default: throw APIError(.badRequest, "note: expected a string")
        }
        guard note.count <= 2000 else { throw APIError(.badRequest, "note: at most 2000 characters") }
        return (decision, note)
    }
}
