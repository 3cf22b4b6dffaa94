import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A tiny HTTP/1.1 server on 127.0.0.1 (ephemeral port) that answers each request as a script
/// says, and records what it received and when. One connection at a time, `Connection: close`.
/// Shared by the delivery tests and the CLI tests (a test-support target, not part of the library).
public final class ScriptedHTTPServer: @unchecked Sendable {
    // @unchecked: `requests`, `script`, `held` are guarded by `lock`.
    public enum Reply: Sendable, Equatable {
        /// Answer with this status and an empty body.
        case status(Int)
        /// Read the request and never answer (the connection is held open until `stop`).
        case silent
        /// Start a `200` answer (status line, headers announcing a 64-byte body, 10 bytes of it)
        /// and close the connection: the client sees the answer cut off.
        case closesMidResponse
    }

    public struct Request: Sendable {
        public var method: String
        public var headers: [String: String]
        public var body: String
        /// Seconds since the server started, on a monotonic clock.
        public var arrival: Double
    }

    public let port: UInt16
    private let listener: Int32
    private let lock = NSLock()
    private var script: [Reply]
    private let fallback: Reply
    private var received: [Request] = []
    private var held: [Int32] = []
    private let started = DispatchTime.now()
    private let done = DispatchSemaphore(value: 0)

    /// Answers request n with `script[n]`, and every request past the script with `then`.
    public init(script: [Reply], then fallback: Reply = .status(200)) throws {
        self.script = script
        self.fallback = fallback
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        guard listener >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(listener, raw, length) == 0 && listen(listener, 16) == 0
                    && getsockname(listener, raw, &length) == 0
            }
        }
        guard ok else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        port = UInt16(bigEndian: address.sin_port)
        Thread { [self] in acceptLoop() }.start()
    }

    public var url: URL { URL(string: "http://127.0.0.1:\(port)/alerts")! }

    public var requests: [Request] { lock.withLock { received } }

    /// Waits until `count` requests arrived or `timeout` seconds passed.
    public func waitForRequests(_ count: Int, timeout: Double) -> Bool {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while Date() < deadline {
            if requests.count >= count { return true }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return requests.count >= count
    }

    public func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        done.wait()
        lock.withLock {
            for fd in held { close(fd) }
            held = []
        }
    }

    private func acceptLoop() {
        while true {
            let connection = accept(listener, nil, nil)
            if connection < 0 {
                if errno == EINTR { continue }
                break
            }
            handle(connection)
        }
        done.signal()
    }

    private func handle(_ fd: Int32) {
        guard let (head, body) = readRequest(fd) else {
            close(fd)
            return
        }
        let lines = head.components(separatedBy: "\r\n")
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let arrival = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        let reply: Reply = lock.withLock {
            received.append(
                Request(
                    method: String(lines.first?.split(separator: " ").first ?? ""), headers: headers, body: body,
                    arrival: arrival))
            return script.isEmpty ? fallback : script.removeFirst()
        }
        switch reply {
        case .status(let code):
            send(fd, "HTTP/1.1 \(code) Scripted\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            close(fd)
        case .silent:
            lock.withLock { held.append(fd) }
        case .closesMidResponse:
            send(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 64\r\n\r\n{\"ok\":tru")
            // An abortive close (RST), as a crashing receiver gives, rather than a clean FIN.
            var option = linger(l_onoff: 1, l_linger: 0)
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
            close(fd)
        }
    }

    /// The request head (up to the blank line) and the body (`Content-Length` bytes).
    private func readRequest(_ fd: Int32) -> (String, String)? {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        var headEnd: Int?
        var continued = false
        while true {
            if let end = headEnd {
                let head = String(decoding: data[..<end], as: UTF8.self)
                let length = head.components(separatedBy: "\r\n")
                    .first { $0.lowercased().hasPrefix("content-length:") }
                    .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
                if head.lowercased().contains("expect: 100-continue") && !continued {
                    send(fd, "HTTP/1.1 100 Continue\r\n\r\n")
                    continued = true
                }
                if data.count - end - 4 >= length {
                    return (head, String(decoding: data[(end + 4)..<(end + 4 + length)], as: UTF8.self))
                }
            }
            let n = read(fd, &buffer, buffer.count)
            if n <= 0 { return nil }
            data += buffer[..<n]
            if headEnd == nil, let range = findHeadEnd(data) { headEnd = range }
        }
    }

    private func findHeadEnd(_ data: [UInt8]) -> Int? {
        guard data.count >= 4 else { return nil }
        for i in 0...(data.count - 4) where data[i] == 13 && data[i + 1] == 10 && data[i + 2] == 13 && data[i + 3] == 10 {
            return i
        }
        return nil
    }

    private func send(_ fd: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }
}

/// A port on 127.0.0.1 with nothing listening (bound, then closed): connections are refused.
public func refusedPort() -> UInt16 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
            bind(fd, raw, length) == 0 && getsockname(fd, raw, &length) == 0
        }
    }
    close(fd)
    return UInt16(bigEndian: address.sin_port)
}
