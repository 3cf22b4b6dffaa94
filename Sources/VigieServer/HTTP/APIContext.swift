import Foundation
import Hummingbird
import NIOCore

/// The request context of the API: who is calling (set by ``BearerAuthMiddleware``).
public struct APIRequestContext: RequestContext {
    /// Hummingbird's per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// The caller's token, once authenticated.
    public var caller: SiteConfiguration.Token?

    /// A context for a new request.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    /// Bodies the API decodes are small (a decision and a note).
    public var maxUploadSize: Int { 64 * 1024 }
}

/// The one error shape of the API: `{"error": {"status": 404, "message": "no event has id …"}}`.
public struct APIError: HTTPResponseError, Sendable {
    /// The HTTP status.
    public var status: HTTPResponse.Status
    /// What went wrong, for a person.
    public var message: String

    /// An error with a status and a message.
    public init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    /// The JSON response.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer realm=\"vigie\"" }
        let body = JSON.encode(["error": ["status": Int(status.code), "message": message]])
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// Turns every error a handler throws into ``APIError``'s JSON shape (a Hummingbird `HTTPError`
/// keeps its status; anything else is a 500 whose details go to the log, not to the caller).
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as HTTPError {
            throw APIError(error.status, error.body ?? error.status.reasonPhrase)
        } catch {
            context.logger.error("request failed", metadata: ["vigie.error": "\(error)"])
            throw APIError(.internalServerError, "internal error")
        }
    }
}

/// Requires `Authorization: Bearer <token>` (or `?token=` for the browser's EventSource and
/// images, which cannot send headers) naming one of the site's tokens: 401 otherwise.
struct BearerAuthMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext
    let tokens: [String: SiteConfiguration.Token]

    func handle(_ request: Request, context: APIRequestContext,
                next: (Request, APIRequestContext) async throws -> Response) async throws -> Response {
        var presented: String?
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer" else {
                throw APIError(.unauthorized, "the Authorization header must be \"Bearer <token>\"")
            }
            presented = String(parts[1]).trimmingCharacters(in: .whitespaces)
        } else if let query = request.uri.queryParameters.get("token") {
            presented = query
        }
        guard let presented else { throw APIError(.unauthorized, "missing bearer token") }
        guard let token = tokens[presented] else { throw APIError(.unauthorized, "unknown token") }
        var context = context
        context.caller = token
        return try await next(request, context)
    }
}

/// Small JSON helpers over Foundation's serialiser (sorted keys: stable output).
enum JSON {
    static func encode(_ value: Any) -> [UInt8] {
        (try? [UInt8](JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes]))) ?? Array("{}".utf8)
    }

    static func response(_ value: Any, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: encode(value))))
    }

    /// A JSON response whose body is already JSON text.
    static func response(text: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func jpeg(_ bytes: [UInt8]) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "image/jpeg"
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

/// ISO 8601 UTC with milliseconds, the API's time format (`2026-12-04T05:14:29.125Z`).
enum ISOTime {
    static func format(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: TimeZone(identifier: "UTC")!))
    }

    static func parse(_ text: String) -> Date? {
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) { return date }
        return try? Date.ISO8601FormatStyle().parse(text)
    }
}
