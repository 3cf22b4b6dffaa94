import Foundation
import NIOCore
import NIOPosix

import VigieMQTT

/// Test support shared by the MQTT client tests and the service tests (not part of the library).

/// A real mosquitto broker on a free loopback port, run as a child process for one test.
///
/// Spawned with `posix_spawn` and an empty signal mask: a child started from a Swift
/// concurrency thread would inherit its blocked SIGTERM (Foundation's `Process` keeps the mask),
/// and could then not be stopped gracefully.
public final class Mosquitto: @unchecked Sendable {
    public static let executable = "/usr/sbin/mosquitto"
    /// Whether the broker is installed (CI installs the Debian package `mosquitto`).
    public static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: executable) }

    public let port: Int
    public let directory: URL
    private var pid: pid_t?

    /// A broker configuration in a new temporary folder; `persistence` keeps sessions and queued
    /// messages across a graceful stop (SIGTERM), in that folder.
    public init(persistence: Bool = false) async throws {
        port = try await freeLoopbackPort()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-mosquitto-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let config = """
            listener \(port) 127.0.0.1
            allow_anonymous true
            user root
            persistence \(persistence)
            persistence_location \(directory.path)/
            log_dest file \(directory.path)/mosquitto.log
            log_type all
            """
        try config.write(to: directory.appendingPathComponent("mosquitto.conf"), atomically: true, encoding: .utf8)
    }

    /// Starts the broker and waits until its log says it runs and it accepts TCP connections;
    /// throws `exited` when it ends during start-up (its port taken), `notListening` after 90 s.
    public func start() async throws {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let arguments = [Self.executable, "-c", directory.appendingPathComponent("mosquitto.conf").path]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var files = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&files)
        defer { posix_spawn_file_actions_destroy(&files) }
        for fd: Int32 in [0, 1, 2] {
            posix_spawn_file_actions_addopen(&files, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0)
        }
        let logBefore = log.utf8.count  // a restarted broker appends to the same log
        var child: pid_t = 0
        let result = posix_spawn(&child, Self.executable, &files, &attributes, &argv, environ)
        guard result == 0 else { throw BrokerError.spawnFailed(errno: result) }
        pid = child
        // Accepting a connection is not enough: another socket may hold the port. The broker says
        // in its log when it runs, and a broker that could not bind exits at once.
        let deadline = ContinuousClock.now + .seconds(90)
        repeat {
            var status: Int32 = 0
            if waitpid(child, &status, WNOHANG) == child {
                pid = nil
                throw BrokerError.exited(port: port, log: log)
            }
            if String(decoding: log.utf8.dropFirst(logBefore), as: UTF8.self).contains(" running"),
               await acceptsConnections(port: port) { return }
            try await Task.sleep(for: .milliseconds(50))
        } while ContinuousClock.now < deadline
        throw BrokerError.notListening(port: port, log: log)
    }

    /// Sends `signal` to the broker (SIGSTOP and SIGCONT leave it running).
    public func send(_ signal: Int32) {
        guard let pid else { return }
        kill(pid, signal)
    }

    /// Ends the broker with `signal` (SIGTERM: graceful, saves persistence; SIGKILL: abrupt) and
    /// waits for it to exit (SIGKILL after 10 s).
    public func stop(_ signal: Int32 = SIGTERM) async {
        guard let pid else { return }
        self.pid = nil
        // A stopped broker needs SIGCONT to act on SIGTERM; not before SIGKILL, which must not let
        // it run (and answer what it had received while stopped).
        if signal != SIGKILL { kill(pid, SIGCONT) }
        kill(pid, signal)
        let deadline = ContinuousClock.now + .seconds(10)
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) == 0 {
            if ContinuousClock.now > deadline { kill(pid, SIGKILL) }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Stops the broker and removes its folder.
    public func tearDown() async {
        await stop(SIGKILL)
        try? FileManager.default.removeItem(at: directory)
    }

    /// The broker's log, for failure messages.
    public var log: String {
        (try? String(contentsOf: directory.appendingPathComponent("mosquitto.log"), encoding: .utf8)) ?? ""
    }

    public enum BrokerError: Error {
        case spawnFailed(errno: Int32)
        case notListening(port: Int, log: String)
        /// The broker ended during start-up (for example, its port was taken): its log says why.
        case exited(port: Int, log: String)
        /// No port below the kernel's ephemeral range was free (200 tries).
        case noFreePort(below: Int)
    }
}

/// A TCP port on 127.0.0.1 that nothing uses when picked, below the kernel's ephemeral range.
///
/// A port from the ephemeral range (where `bind` to port 0 draws) can be taken between the pick and
/// the broker's start, or while a test stops and restarts the broker, by any outgoing connection
/// of the test process, including a client reconnecting to the stopped broker itself (TCP
/// simultaneous open connects such a client to itself). Ports below the range are never handed out
/// to outgoing connections.
public func freeLoopbackPort() async throws -> Int {
    let lowestEphemeral = ephemeralPortRange().lowerBound
    for _ in 0..<200 {
        let port = Int.random(in: 10_000..<max(10_001, lowestEphemeral))
        // Bound and released at once: the port was free.
        if (try? ClosedLoopbackPort(port: port)) != nil { return port }
    }
    throw Mosquitto.BrokerError.noFreePort(below: lowestEphemeral)
}

/// The kernel's range of ports for outgoing connections (`/proc/sys/net/ipv4/ip_local_port_range`).
func ephemeralPortRange() -> ClosedRange<Int> {
    let text = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)) ?? ""
    let numbers = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).compactMap { Int($0) }
    guard numbers.count == 2, numbers[0] <= numbers[1] else { return 32768...60999 }
    return numbers[0]...numbers[1]
}

/// Whether something accepts TCP connections on 127.0.0.1:`port`.
public func acceptsConnections(port: Int) async -> Bool {
    do {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.milliseconds(500)).connect(host: "127.0.0.1", port: port).get()
        try? await channel.close()
        return true
    } catch {
        return false
    }
}

/// The messages of a subscription, read into a buffer from the moment it is made.
///
/// Reading an `AsyncStream` in a task that is cancelled ends the stream for good, so a test that
/// waited for a message with a timeout could never read that subscription again. The inbox reads
/// the stream once, for its whole life, and `collect` takes from the buffer.
public final class MessageInbox: @unchecked Sendable {
    private let lock = NSLock()
    private var buffer: [MQTTMessage] = []
    private var reader: Task<Void, Never>?

    /// Starts reading `stream`.
    public init(_ stream: AsyncStream<MQTTMessage>) {
        reader = Task { [weak self] in
            for await message in stream {
                guard let self else { return }
                self.lock.withLock { self.buffer.append(message) }
            }
        }
    }

    deinit { reader?.cancel() }

    /// Removes and returns the first `count` messages if that many arrived, or all of them if
    /// `partial` is set.
    func take(_ count: Int, partial: Bool) -> [MQTTMessage]? {
        lock.withLock {
            guard buffer.count >= count || partial else { return nil }
            let taken = Array(buffer.prefix(count))
            buffer.removeFirst(taken.count)
            return taken
        }
    }
}

/// Takes `count` messages from `inbox` as soon as they arrived, or what arrived within `timeout`.
public func collect(_ inbox: MessageInbox, count: Int, timeout: Duration) async -> [MQTTMessage] {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if let messages = inbox.take(count, partial: false) { return messages }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return inbox.take(count, partial: true) ?? []
}

/// Waits until `client`'s status satisfies `condition`, at most `timeout`; returns the last status.
@discardableResult
public func waitForStatus(
    _ client: MQTTClient, timeout: Duration, _ condition: @escaping @Sendable (MQTTClient.Status) -> Bool
) async -> MQTTClient.Status {
    await withTaskGroup(of: MQTTClient.Status?.self) { group in
        group.addTask {
            for await status in client.statusUpdates() where condition(status) { return status }
            return nil
        }
        group.addTask {
            try? await Task.sleep(for: timeout)
            return nil
        }
        let first = await group.next()!
        group.cancelAll()
        return first ?? client.status
    }
}


/// A loopback port that nothing listens on and that no other socket can take while this value
/// lives: a socket bound to 127.0.0.1 without `listen()`. Connections to it are refused at once,
/// and no outgoing connection can pick it as its own port (which could connect to itself).
/// A port from `freeLoopbackPort()`, by contrast, is only known to be free when it is picked.
public final class ClosedLoopbackPort: @unchecked Sendable {
    /// The reserved port.
    public let port: Int
    private let descriptor: Int32

    /// Reserves `port`, or a port the kernel picks (0).
    public init(port requested: Int = 0) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(requested)).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(fd, socketAddress, length) == 0 && getsockname(fd, socketAddress, &length) == 0
            }
        }
        guard bound else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        descriptor = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(descriptor) }
}
