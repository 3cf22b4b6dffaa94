import Foundation
#if canImport(Glibc)
    import Glibc
#endif

/// A minimal HTTP/1.1 client over a plain socket to 127.0.0.1, for testing the real server:
/// one request per connection (`Connection: close`), or an SSE stream read message by message.
struct HTTPProbe {
    struct Response {
        var status: Int
        var headers: [String: String]
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]) ?? [:] }
    }

    enum ProbeError: Error { case connect(Int32), closed, timeout, malformed(String) }

    let port: Int

    /// Sends one request and reads the whole response.
    func request(_ method: String, _ path: String, token: String? = nil, headers: [String: String] = [:],
                 body: [UInt8]? = nil, timeout: Double = 30) throws -> Response {
        let fd = try connect(timeout: timeout)
        defer { close(fd) }
        try send(fd, method, path, token: token, headers: headers, body: body)
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n <= 0 { break }
            data += buffer[0..<n]
        }
        return try parse(data)
    }

    /// Opens an SSE stream and returns the first `count` messages (`id`, `event`, `data`), or what
    /// arrived before `timeout`.
    func events(_ path: String, token: String, lastEventID: String? = nil, count: Int, timeout: Double = 20) throws
        -> [(id: String, event: String, data: String)] {
        let fd = try connect(timeout: 1)
        defer { close(fd) }
        var headers = ["Accept": "text/event-stream"]
        if let lastEventID { headers["Last-Event-ID"] = lastEventID }
        try send(fd, "GET", path, token: token, headers: headers, body: nil, keepAlive: true)
        var pending = ""
        var messages: [(id: String, event: String, data: String)] = []
        let deadline = Date(timeIntervalSinceNow: timeout)
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var headerDone = false
        while messages.count < count, Date() < deadline {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 200) > 0 else { continue }
            let n = read(fd, &buffer, buffer.count)
            if n <= 0 { break }
            pending += String(decoding: buffer[0..<n], as: UTF8.self)
            if !headerDone, let end = pending.range(of: "\r\n\r\n") {
                pending = String(pending[end.upperBound...])
                headerDone = true
            }
            // "\r\n" is one Character in Swift: work on "\n" alone (chunk sizes become lines of their own).
            pending = pending.replacingOccurrences(of: "\r\n", with: "\n")
            // Chunked encoding: drop chunk-size lines (hex digits alone on a line).
            while let end = pending.range(of: "\n\n") {
                let block = String(pending[..<end.lowerBound])
                pending = String(pending[end.upperBound...])
                var id = "", event = "", data = ""
                for line in block.split(separator: "\n", omittingEmptySubsequences: true) {
                    let l = String(line)
                    if l.hasPrefix("id: ") { id = String(l.dropFirst(4)) }
                    if l.hasPrefix("event: ") { event = String(l.dropFirst(7)) }
                    if l.hasPrefix("data: ") { data = String(l.dropFirst(6)) }
                }
                if !data.isEmpty { messages.append((id, event, data)) }
            }
        }
        return messages
    }

    private func connect(timeout: Double) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            close(fd)
            throw ProbeError.connect(errno)
        }
        var tv = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    private func send(_ fd: Int32, _ method: String, _ path: String, token: String?, headers: [String: String],
                      body: [UInt8]?, keepAlive: Bool = false) throws {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n"
        if !keepAlive { head += "Connection: close\r\n" }
        if let token { head += "Authorization: Bearer \(token)\r\n" }
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if let body { head += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n" }
        head += "\r\n"
        let bytes = Array(head.utf8) + (body ?? [])
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw ProbeError.closed }
            sent += n
        }
    }

    private func parse(_ data: [UInt8]) throws -> Response {
        guard let split = data.indices.first(where: { i in i + 3 < data.count && data[i...i + 3].elementsEqual([13, 10, 13, 10]) }) else {
            throw ProbeError.closed
        }
        let head = String(decoding: data[..<split], as: UTF8.self).components(separatedBy: "\r\n")
        let statusLine = head.first?.split(separator: " ") ?? []
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
            throw ProbeError.malformed(String(decoding: data.prefix(200), as: UTF8.self))
        }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            if let colon = line.firstIndex(of: ":") {
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        var body = Array(data[(split + 4)...])
        if headers["transfer-encoding"]?.lowercased() == "chunked" { body = Self.dechunk(body) }
        return Response(status: status, headers: headers, body: body)
    }

    private static func dechunk(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            guard let lineEnd = bytes[i...].firstIndex(of: 10) else { break }
            let sizeText = String(decoding: bytes[i..<lineEnd], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard let size = Int(sizeText, radix: 16), size > 0 else { break }
            let start = lineEnd + 1
            out += bytes[start..<min(bytes.count, start + size)]
            i = start + size + 2
        }
        return out
    }
}
