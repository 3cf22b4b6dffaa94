import Foundation
import Logging
import VigieEvents

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Posts each event as JSON to an HTTP endpoint (a webhook), from a background worker, in order,
/// retrying with exponential backoff, through a bounded queue whose overflow is counted.
///
/// ```
///  camera threads ──send──▶ [ bounded FIFO queue ] ──worker──▶ POST url (one event per request)
///  (never wait on the        capacity 10,000            │        2xx          → delivered
///   network)                 full: drop OLDEST,         │        408/429/5xx,
///                            count it, warn             │        no answer    → retry after backoff
///                                                       │        other status → rejected (counted)
///                                                       └─ one event at a time: order is kept
/// ```
///
/// - **send** encodes the event on the caller's thread (an unencodable event throws there and
///   then) and enqueues its JSON line; it takes a lock for a few microseconds and never waits for
///   the network, so a camera thread is never held up by a slow or dead endpoint.
/// - **Order**: one worker thread posts one event per request (`Content-Type: application/json`,
///   the body is the event's JSON line, the same bytes as `JSONLinesSink` writes without the
///   newline) and does not post the next until the current one is settled. Events of all cameras
///   sharing a sink arrive in the order `send` was called.
/// - **Retries**: a connection failure, a timeout (`requestTimeout`), a `5xx`, a `408` or a `429`
///   is retried after `initialBackoff`, then `initialBackoff × backoffFactor`, …, capped at
///   `maxBackoff` (defaults 0.5 s, ×2, 30 s: 0.5, 1, 2, 4, 8, 16, 30, 30, …), until it succeeds
///   or `maxAttempts` is reached (default: no limit). Each retry is counted in `retried`.
///   Once `close(timeout:)` starts the shutdown drain, the worker stops sleeping through the
///   back-off: it retries at once, then every `drainRetryInterval` (0.25 s) until the drain
///   timeout, so that a receiver back during the drain gets every event.
/// - **Rejections**: any other non-2xx status (a `400`, `401`, `404`, `413`, …) is permanent: the
///   event is counted in `rejected`, a warning is logged, and the worker goes on with the next.
/// - **Overflow**: the queue holds at most `queueCapacity` events (default 10,000). When it is
///   full, `send` drops the **oldest** waiting event to make room for the new one, counts it in
///   `dropped` and logs a warning (at the 1st, 10th, 100th, … drop, so a long outage does not
///   flood the log). The oldest are dropped because, when the endpoint comes back, an operator
///   needs the current situation more than the start of the outage; the complete record is the
///   alert journal's job (`VigieJournal`), which never drops. The event being posted is not in
///   the queue and is never dropped.
///
/// Nothing is dropped silently: `statistics` gives delivered, retried, rejected, dropped,
/// abandoned (given up after `maxAttempts`, or still queued at `close`) and queued counts at any
/// time, and every loss is logged through the injected `Logger`.
///
/// Thread-safe (`Sendable`): every mutable field of the shared state is guarded by one
/// `NSCondition`, which also wakes the worker; the worker is a `Thread` of its own.
///
/// ```swift
/// let webhook = WebhookSink(configuration: .init(url: URL(string: "https://vms.example/alerts")!), logger: logger)
/// try webhook.send(event)                       // from any camera thread
/// let left = webhook.flush(timeout: 10)         // at shutdown: wait for the queue to drain
/// webhook.close()
/// ```
public final class WebhookSink: EventSink, Sendable {
    /// Where to post and how hard to try.
    public struct Configuration: Sendable, Hashable {
        /// The endpoint; every event is a `POST` to it.
        public var url: URL
        /// Extra request headers, e.g. `Authorization`. `Content-Type` is always `application/json`.
        public var headers: [String: String]
        /// The most events waiting to be posted (not counting the one being posted); ≥ 1.
        public var queueCapacity: Int
        /// Seconds before the first retry of a failed post.
        public var initialBackoff: Double
        /// Each retry waits this many times longer than the one before; ≥ 1.
        public var backoffFactor: Double
        /// The longest wait between two attempts, in seconds.
        public var maxBackoff: Double
        /// Seconds to wait for an answer to one post before counting it as failed (and retrying).
        public var requestTimeout: Double
        /// Attempts per event before giving up on it (counted in `abandoned`); `nil`: no limit.
        public var maxAttempts: Int?

        /// A configuration; defaults: 10,000 events, backoff 0.5 s × 2 up to 30 s, 10 s per
        /// request, unlimited attempts.
        public init(
            url: URL,
            headers: [String: String] = [:],
            queueCapacity: Int = 10_000,
            initialBackoff: Double = 0.5,
            backoffFactor: Double = 2,
            maxBackoff: Double = 30,
            requestTimeout: Double = 10,
            maxAttempts: Int? = nil
        ) {
            precondition(queueCapacity >= 1, "queueCapacity must be ≥ 1, got \(queueCapacity)")
            precondition(
                initialBackoff >= 0 && initialBackoff.isFinite, "initialBackoff must be finite and ≥ 0 s, got \(initialBackoff)")
            precondition(backoffFactor >= 1 && backoffFactor.isFinite, "backoffFactor must be finite and ≥ 1, got \(backoffFactor)")
            precondition(maxBackoff >= initialBackoff, "maxBackoff \(maxBackoff) s is below initialBackoff \(initialBackoff) s")
            precondition(requestTimeout > 0, "requestTimeout must be > 0 s, got \(requestTimeout)")
            precondition((maxAttempts ?? 1) >= 1, "maxAttempts must be ≥ 1, got \(maxAttempts ?? 0)")
            self.url = url
            self.headers = headers
            self.queueCapacity = queueCapacity
            self.initialBackoff = initialBackoff
            self.backoffFactor = backoffFactor
            self.maxBackoff = maxBackoff
            self.requestTimeout = requestTimeout
            self.maxAttempts = maxAttempts
        }

        /// Seconds to wait after failed attempt number `failures` (from 1) before the next:
        /// `min(initialBackoff × backoffFactor^(failures − 1), maxBackoff)`.
        public func backoff(afterFailures failures: Int) -> Double {
            precondition(failures >= 1, "failures counts from 1, got \(failures)")
            return min(initialBackoff * pow(backoffFactor, Double(failures - 1)), maxBackoff)
        }
    }

    /// Counts since the sink was made; a consistent snapshot.
    public struct Statistics: Sendable, Hashable, CustomStringConvertible {
        /// Events the endpoint accepted (a 2xx answer).
        public var delivered = 0
        /// Retries: attempts after a failed one (an event posted three times adds 2).
        public var retried = 0
        /// Events the endpoint refused for good (a non-2xx status other than 408, 429, 5xx).
        public var rejected = 0
        /// Events dropped from a full queue (the oldest waiting ones).
        public var dropped = 0
        /// Events given up: `maxAttempts` failed attempts, or still queued or in flight at `close`.
        public var abandoned = 0
        /// Events waiting or being posted now.
        public var queued = 0

        /// No events yet.
        public init() {}

        /// `delivered 12, retried 3, rejected 0, dropped 0, abandoned 0, queued 1`.
        public var description: String {
            "delivered \(delivered), retried \(retried), rejected \(rejected), dropped \(dropped), "
                + "abandoned \(abandoned), queued \(queued)"
        }
    }

    /// The settings it was made with.
    public let configuration: Configuration
    private let state: DeliveryState

    /// A sink posting to `configuration.url`; starts its worker thread at once. Warnings
    /// (drops, rejections, outages) go to `logger`; nothing is logged per event above `debug`.
    public init(
        configuration: Configuration,
        logger: Logger = Logger(label: "vigie.webhook", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        self.configuration = configuration
        self.state = DeliveryState(configuration: configuration, logger: logger)
        let state = self.state
        let thread = Thread { state.runWorker() }
        thread.name = "vigie.webhook"
        thread.start()
    }

    deinit {
        _ = state.close(timeout: 0, interrupted: { false })
    }

    /// The counts so far.
    public var statistics: Statistics { state.snapshot() }

    /// Events dropped from a full queue so far (`statistics.dropped`).
    public var droppedCount: Int { state.snapshot().dropped }

    /// Encodes `event` and queues it for posting; returns without waiting for the network.
    /// A full queue drops its oldest waiting event (counted in `dropped`). Throws `.unencodable`
    /// for an event that cannot be written as JSON, `.closed` after `close`.
    public func send(_ event: Event) throws(EventSinkError) {
        let body: [UInt8]
        do {
            body = try EventEncoder().encodeBytes(event, newline: false)
        } catch {
            throw .unencodable(path: configuration.url.absoluteString, reason: error.description)
        }
        guard state.enqueue(DeliveryState.Item(eventID: event.id, body: body)) else {
            throw .closed(path: configuration.url.absoluteString)
        }
    }

    /// Waits until every event sent so far is settled (delivered, rejected or abandoned) or
    /// `timeout` seconds pass; returns how many are still queued or in flight (0: drained).
    @discardableResult
    public func flush(timeout: Double) -> Int {
        state.waitUntilDrained(timeout: timeout)
    }

    /// Returns at once: `send` already handed the event to the worker, and waiting for the
    /// network here would hold up the calling camera thread (`SharedEventSink` flushes after every
    /// event). To wait for delivery, at shutdown, call `flush(timeout:)` or `close(timeout:)`.
    /// Throws `.closed` after `close`.
    public func flush() throws(EventSinkError) {
        guard state.isAccepting else { throw .closed(path: configuration.url.absoluteString) }
    }

    /// Stops taking events, lets the worker drain the queue for up to `timeout` seconds, then
    /// stops it (cancelling a post in flight). Events left undelivered are counted in `abandoned`,
    /// logged, and their number returned. Later `send`s throw `.closed`; closing twice is harmless.
    @discardableResult
    public func close(timeout: Double = 0) -> Int {
        state.close(timeout: timeout, interrupted: { false })
    }

    /// `close(timeout:)` that also ends the drain early once `interrupted` returns true (it is
    /// asked about every 50 ms): a shutdown signal received during the drain cuts it short, and
    /// what is left is counted in `abandoned` and returned as with `close(timeout:)`.
    ///
    /// - Parameters:
    ///   - timeout: The longest the queue is given to drain, in seconds.
    ///   - interrupted: True when the drain must end now (for example, a signal was received).
    @discardableResult
    public func close(timeout: Double, interrupted: @escaping @Sendable () -> Bool) -> Int {
        state.close(timeout: timeout, interrupted: interrupted)
    }
}

// MARK: - Shared state and worker

/// Everything the sink and its worker share, guarded by `condition`.
///
/// `@unchecked Sendable`: every `var` is read and written only with `condition` locked (the
/// worker's own locals aside); `session` and `logger` are thread-safe.
private final class DeliveryState: @unchecked Sendable {
    struct Item {
        var eventID: String
        var body: [UInt8]
    }

    private let configuration: WebhookSink.Configuration
    private let logger: Logger
    private let session: URLSession
    private let condition = NSCondition()

    // Guarded by `condition`.
    private var queue = FIFO<Item>()
    private var inFlight: Item?
    private var currentTask: URLSessionDataTask?
    private var accepting = true
    private var stopping = false
    private var workerDone = false
    private var stats = WebhookSink.Statistics()

    /// Seconds between attempts while `close` drains the queue.
    static let drainRetryInterval = 0.25

    init(configuration: WebhookSink.Configuration, logger: Logger) {
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "vigie.webhook"] = "\(configuration.url.host ?? "")\(configuration.url.path)"
        self.logger = logger
        let sessionConfiguration = URLSessionConfiguration.ephemeral
        sessionConfiguration.timeoutIntervalForRequest = configuration.requestTimeout
        sessionConfiguration.urlCache = nil
        sessionConfiguration.httpCookieStorage = nil
        self.session = URLSession(configuration: sessionConfiguration)
    }

    var isAccepting: Bool { condition.withLock { accepting } }

    func snapshot() -> WebhookSink.Statistics {
        condition.lock()
        defer { condition.unlock() }
        var s = stats
        s.queued = queue.count + (inFlight == nil ? 0 : 1)
        return s
    }

    /// Adds `item`, dropping the oldest waiting one if full; false once closed.
    func enqueue(_ item: Item) -> Bool {
        condition.lock()
        guard accepting else {
            condition.unlock()
            return false
        }
        var droppedID: String?
        if queue.count >= configuration.queueCapacity {
            droppedID = queue.removeFirst()?.eventID
            stats.dropped += 1
        }
        queue.append(item)
        let dropped = stats.dropped
        condition.broadcast()
        condition.unlock()
        if let droppedID, isPowerOfTen(dropped) {
            logger.warning(
                "webhook queue full: dropped the oldest queued event",
                metadata: [
                    "vigie.event": "\(droppedID)", "vigie.dropped": "\(dropped)",
                    "vigie.capacity": "\(configuration.queueCapacity)",
                ])
        }
        return true
    }

    func waitUntilDrained(timeout: Double) -> Int {
        let deadline = Date(timeIntervalSinceNow: max(0, timeout))
        condition.lock()
        defer { condition.unlock() }
        while (queue.count > 0 || inFlight != nil) && !workerDone {
            if !condition.wait(until: deadline) { break }
        }
        return queue.count + (inFlight == nil ? 0 : 1)
    }

    func close(timeout: Double, interrupted: @Sendable () -> Bool) -> Int {
        condition.lock()
        let first = accepting
        accepting = false
        condition.broadcast()  // a worker sleeping through a back-off retries now
        condition.unlock()
        let deadline = Date(timeIntervalSinceNow: max(0, timeout))
        while waitUntilDrained(timeout: min(0.05, max(0, deadline.timeIntervalSinceNow))) > 0,
              Date() < deadline, !interrupted() {}
        condition.lock()
        stopping = true
        currentTask?.cancel()
        condition.broadcast()
        while !workerDone { condition.wait() }
        let left = queue.count + (inFlight == nil ? 0 : 1)
        stats.abandoned += left
        queue = FIFO()
        inFlight = nil
        condition.unlock()
        if first {
            session.finishTasksAndInvalidate()
            if left > 0 {
                logger.warning(
                    "webhook closed with events undelivered", metadata: ["vigie.abandoned": "\(left)"])
            }
        }
        return first ? left : 0
    }

    /// The worker: posts queued events one at a time until `close`.
    func runWorker() {
        while let item = nextItem() {
            deliver(item)
        }
        condition.lock()
        workerDone = true
        condition.broadcast()
        condition.unlock()
    }

    /// Waits for an event and marks it in flight; nil when stopping.
    private func nextItem() -> Item? {
        condition.lock()
        defer { condition.unlock() }
        while queue.count == 0 && !stopping && accepting { condition.wait() }
        guard !stopping, let item = queue.removeFirst() else { return nil }
        inFlight = item
        return item
    }

    private enum Outcome {
        case delivered
        case retry(String)
        case rejected(Int)
    }

    private func deliver(_ item: Item) {
        var failures = 0
        while true {
            let outcome = post(item)
            condition.lock()
            if stopping, case .retry = outcome {
                // close() counts what is still in flight as abandoned.
                condition.unlock()
                return
            }
            switch outcome {
            case .delivered:
                stats.delivered += 1
                if failures > 0 {
                    logger.info(
                        "webhook delivery recovered",
                        metadata: ["vigie.event": "\(item.eventID)", "vigie.attempts": "\(failures + 1)"])
                }
                settle()
                return
            case .rejected(let status):
                stats.rejected += 1
                logger.warning(
                    "webhook rejected an event: not retried",
                    metadata: ["vigie.event": "\(item.eventID)", "vigie.status": "\(status)"])
                settle()
                return
            case .retry(let reason):
                failures += 1
                if let maxAttempts = configuration.maxAttempts, failures >= maxAttempts {
                    stats.abandoned += 1
                    logger.warning(
                        "webhook gave up on an event",
                        metadata: [
                            "vigie.event": "\(item.eventID)", "vigie.attempts": "\(failures)", "vigie.reason": "\(reason)",
                        ])
                    settle()
                    return
                }
                stats.retried += 1
                let delay = configuration.backoff(afterFailures: failures)
                if failures == 1 {
                    logger.warning(
                        "webhook delivery failed: retrying with backoff",
                        metadata: ["vigie.event": "\(item.eventID)", "vigie.reason": "\(reason)"])
                } else {
                    logger.debug(
                        "webhook delivery failed again",
                        metadata: [
                            "vigie.event": "\(item.eventID)", "vigie.reason": "\(reason)",
                            "vigie.attempts": "\(failures)", "vigie.backoff": "\(delay)",
                        ])
                }
                // Draining at shutdown (`close` stopped the intake): no long back-off, the drain
                // has a deadline of its own. `accepting` turning false wakes this wait.
                let wakeAt = Date(timeIntervalSinceNow: accepting ? delay : min(delay, Self.drainRetryInterval))
                let wasAccepting = accepting
                while !stopping && Date() < wakeAt && accepting == wasAccepting { _ = condition.wait(until: wakeAt) }
                let stop = stopping
                condition.unlock()
                if stop { return }
            }
        }
    }

    /// The in-flight event is settled (and already logged, so a `flush` that returns has seen
    /// every warning); wakes `flush`. Called with the lock held; unlocks.
    private func settle() {
        inFlight = nil
        currentTask = nil
        condition.broadcast()
        condition.unlock()
    }

    /// One POST of `item`, waiting for the answer (at most `requestTimeout` plus a margin).
    private func post(_ item: Item) -> Outcome {
        var request = URLRequest(url: configuration.url, timeoutInterval: configuration.requestTimeout)
        request.httpMethod = "POST"
        for (name, value) in configuration.headers { request.setValue(value, forHTTPHeaderField: name) }
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(item.body)

        let done = DispatchSemaphore(value: 0)
        let result = ResultBox()
        let task = session.dataTask(with: request) { _, response, error in
            result.set(response: response as? HTTPURLResponse, error: error)
            done.signal()
        }
        condition.lock()
        if stopping {
            condition.unlock()
            return .retry("closing")
        }
        currentTask = task
        condition.unlock()
        task.resume()
        if done.wait(timeout: .now() + configuration.requestTimeout + 5) == .timedOut {
            task.cancel()
            return .retry("no answer within \(configuration.requestTimeout) s")
        }
        let (response, error) = result.get()
        if let error { return .retry(error.localizedDescription) }
        guard let response else { return .retry("no HTTP response") }
        switch response.statusCode {
        case 200..<300: return .delivered
        case 408, 429, 500..<600: return .retry("HTTP \(response.statusCode)")
        default: return .rejected(response.statusCode)
        }
    }
}

/// The answer of one request, handed from URLSession's queue to the worker.
private final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var response: HTTPURLResponse?
    private var error: (any Error)?

    func set(response: HTTPURLResponse?, error: (any Error)?) {
        lock.withLock {
            self.response = response
            self.error = error
        }
    }

    func get() -> (HTTPURLResponse?, (any Error)?) {
        lock.withLock { (response, error) }
    }
}

/// A first-in first-out queue with O(1) amortised `append` and `removeFirst`.
private struct FIFO<Element> {
    private var storage: [Element?] = []
    private var head = 0

    var count: Int { storage.count - head }

    mutating func append(_ element: Element) {
        storage.append(element)
    }

    mutating func removeFirst() -> Element? {
        guard head < storage.count else { return nil }
        let element = storage[head]
        storage[head] = nil
        head += 1
        if head >= 1024 && head * 2 >= storage.count {
            storage.removeFirst(head)
            head = 0
        }
        return element
    }
}

/// 1, 10, 100, …: when to repeat a warning that could otherwise flood the log.
private func isPowerOfTen(_ n: Int) -> Bool {
    var n = n
    guard n >= 1 else { return false }
    while n % 10 == 0 { n /= 10 }
    return n == 1
}
