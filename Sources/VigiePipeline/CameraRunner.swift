import Foundation
import Logging
import VigieBackground
import VigieCore
import VigieEvents
import VigieIO
import VigieRules

/// Runs one camera's `ScenePipeline` on its own thread, so that many cameras use all cores and a
/// slow or stalled camera never holds up the others:
///
/// ```
/// open input ─▶ frames ─▶ ScenePipeline ─▶ SharedEventSink
///     ▲                                         │
///     └── stream broke: end open events, wait, reopen (up to `retries` times)
/// ```
///
/// A corrupt frame is skipped and reported (the stream goes on). A stream that breaks (read
/// failure, truncated frame, input gone) is reported; the camera's open situations are ended,
/// and the input is reopened after a back-off (logged: `camera input reopened`). The reopened
/// input feeds the same pipeline in the same ``session``: its timestamps are offset to continue
/// one frame interval after the last frame seen, so stream time never goes backwards and event
/// ids keep counting (`<cameraID>/<ruleID>/<session>-<n>`) rather than restarting. Only if the
/// reopened input has another frame size does the camera start a fresh pipeline, in a fresh
/// session (logged too), so ids never repeat either way.
/// `stop()` asks the thread to finish: at the next frame it ends its open situations and exits.
///
/// The input is opened on the camera's own thread, never by the caller: opening a FIFO whose
/// writer has not come (or has sent nothing yet) blocks in `open(2)` or `read(2)`, and that
/// must hold up neither the other cameras nor a shutdown. Until its first frame arrives the
/// camera is ``Status/starting``. A thread blocked in such a call cannot be cancelled, so
/// ``shutdown(_:sink:timeout:reason:)`` does not wait for it: it ends the open situations of
/// every camera that did not finish in time, through the shared sink, and returns.
public final class CameraRunner: @unchecked Sendable {
    /// How a broken stream is retried.
    public struct RetryPolicy: Sendable, Hashable {
        /// Reopen attempts after a failure before the camera gives up (0: none).
        public var retries: Int
        /// Seconds before the first reopen; doubled each attempt, at most `maxDelay`.
        public var initialDelay: Double
        /// The longest wait between attempts, seconds.
        public var maxDelay: Double

        /// A policy; default 3 retries from 1 s, at most 30 s apart.
        public init(retries: Int = 3, initialDelay: Double = 1, maxDelay: Double = 30) {
            self.retries = retries
            self.initialDelay = initialDelay
            self.maxDelay = maxDelay
        }
    }

    /// Where a camera stands.
    public enum Status: Sendable, Equatable {
        /// Not started.
        case idle
        /// Opening the input and waiting for its first frame (a live input may wait for its
        /// writer or its first bytes for as long as the camera is unreachable).
        case starting
        /// Processing frames.
        case running
        /// Waiting before reopening a broken input.
        case retrying(attempt: Int)
        /// The input ended (or `stop()` was honoured); every situation is ended.
        case finished
        /// The input kept failing; the last error's description.
        case failed(String)
    }

    /// The camera id (the scene's).
    public let cameraID: String
    /// The run written in the camera's event ids, kept across reopen attempts; replaced by a fresh
    /// one only when a reopened input changes frame size (the pipeline starts afresh then).
    public var session: EventSession {
        condition.lock()
        defer { condition.unlock() }
        return currentSession
    }
    private var currentSession: EventSession
    private let scene: Scene
    private let openInput: @Sendable () throws -> any FrameSource
    private let makeModel: @Sendable () -> any BackgroundModel
    private let sink: SharedEventSink
    private let statisticsHandler: (@Sendable ([ZoneStatistics]) -> Void)?
    private let policy: RetryPolicy
    private let logger: Logger
    private let condition = NSCondition()
    private var stopRequested = false
    private var state: Status = .idle
    private var frames = 0

    /// A runner for `scene`, reading frames from what `openInput` returns (called on the camera's
    /// thread, and again on every retry: it may block until the input has data), writing events to
    /// `sink` and, in statistics mode, handing each completed interval's records to `statistics`
    /// (from the camera's thread). `session` is the run written in the camera's event ids (a fresh,
    /// time-ordered one by default).
    public init(scene: Scene, openInput: @escaping @Sendable () throws -> any FrameSource,
                model: @escaping @Sendable () -> any BackgroundModel = { AdaptiveBackground() },
                sink: SharedEventSink, statistics: (@Sendable ([ZoneStatistics]) -> Void)? = nil,
                retry: RetryPolicy = RetryPolicy(), session: EventSession = EventSession(),
                logger: Logger = Logger(label: "vigie", factory: { _ in SwiftLogNoOpLogHandler() })) {
        cameraID = scene.cameraID
        currentSession = session
        self.scene = scene
        self.openInput = openInput
        makeModel = model
        self.sink = sink
        statisticsHandler = statistics
        policy = retry
        var logger = logger
        logger[metadataKey: "vigie.camera"] = "\(scene.cameraID)"
        self.logger = logger
    }

    /// Where the camera stands now.
    public var status: Status {
        condition.lock()
        defer { condition.unlock() }
        return state
    }

    /// Frames processed so far (all attempts).
    public var framesProcessed: Int {
        condition.lock()
        defer { condition.unlock() }
        return frames
    }

    /// Starts the camera's thread; the camera is ``Status/starting`` until its first frame.
    public func start() {
        setStatus(.starting)
        let thread = Thread { [self] in run() }
        thread.name = "vigie-\(cameraID)"
        thread.start()
    }

    /// Asks the camera to finish at its next frame (its open situations are ended then).
    public func stop() {
        condition.lock()
        stopRequested = true
        condition.broadcast()
        condition.unlock()
    }

    /// Stops `runners` and makes sure every situation they opened is ended, within about
    /// `timeout` seconds whatever state their inputs are in: asks each to stop, waits until the
    /// deadline for those that can finish by themselves, then ends in `sink` every situation still
    /// open (a camera blocked opening or reading a stalled input cannot be cancelled; it is left
    /// behind, and what it might send later is refused by the closed sink). Returns the `ended`
    /// events written for the cameras that did not finish (their `measurements.reason` is `reason`).
    /// - Throws: what the wrapped sink throws while writing those events.
    @discardableResult
    public static func shutdown(_ runners: [CameraRunner], sink: SharedEventSink, timeout: Double = 1,
                                reason: String = "shutdown") throws -> [Event] {
        for runner in runners { runner.stop() }
        let deadline = Date(timeIntervalSinceNow: timeout)
        for runner in runners { _ = runner.waitUntilDone(timeout: max(0, deadline.timeIntervalSinceNow)) }
        return try sink.closeOpenSituations(reason: reason)
    }

    /// Waits until the camera has finished or failed, at most `timeout` seconds; true if it has.
    public func waitUntilDone(timeout: Double) -> Bool {
        let deadline = Date(timeIntervalSinceNow: timeout)
        condition.lock()
        defer { condition.unlock() }
        while !isDone {
            if !condition.wait(until: deadline) { return isDone }
        }
        return true
    }

    private var isDone: Bool {
        switch state {
        case .finished, .failed: true
        default: false
        }
    }

    private var shouldStop: Bool {
        condition.lock()
        defer { condition.unlock() }
        return stopRequested
    }

    private func setStatus(_ s: Status) {
        condition.lock()
        state = s
        condition.broadcast()
        condition.unlock()
    }

    private func run() {
        var pipeline = ScenePipeline(scene: scene, model: makeModel(), session: session, logger: logger)
        var clock = StreamClock()
        var attempt = 0
        while true {
            do {
                try runOnce(&pipeline, clock: &clock, attempt: attempt)
                setStatus(.finished)
                return
            } catch {
                logger.error("camera input failed", metadata: ["vigie.error": "\(error)"])
                guard attempt < policy.retries, !shouldStop else {
                    setStatus(shouldStop ? .finished : .failed("\(error)"))
                    return
                }
                attempt += 1
                setStatus(.retrying(attempt: attempt))
                let delay = min(policy.maxDelay, policy.initialDelay * pow(2, Double(attempt - 1)))
                condition.lock()
                let deadline = Date(timeIntervalSinceNow: delay)
                while !stopRequested, condition.wait(until: deadline) {}
                let stopping = stopRequested
                condition.unlock()
                if stopping {
                    setStatus(.finished)
                    return
                }
                setStatus(.starting)
            }
        }
    }

    /// One attempt: open, process until the end (or a stop request), end open situations.
    /// After a reopen, frames are re-stamped by `clock` to continue the stream time of `pipeline`.
    private func runOnce(_ pipeline: inout ScenePipeline, clock: inout StreamClock, attempt: Int) throws {
        do {
            var source = try openInput()
            let logger = self.logger
            clock.beginAttempt()
            var first = true
            while !shouldStop,
                  var frame = try source.nextSkippingCorruptFrames(report: { logger.warning("frame skipped", metadata: ["vigie.reason": "\($0)"]) }) {
                let sizeChanged = clock.sizeDiffers(frame)
                clock.restamp(&frame)
                if first, attempt > 0 {
                    if sizeChanged {
                        let fresh = EventSession()
                        condition.lock()
                        currentSession = fresh
                        condition.unlock()
                        pipeline = ScenePipeline(scene: scene, model: makeModel(), session: fresh, logger: logger)
                    }
                    logger.warning("camera input reopened", metadata: [
                        "vigie.attempt": "\(attempt)", "vigie.session": "\(session.id)",
                        "vigie.timeOffset": "\(clock.offsetSeconds)", "vigie.freshPipeline": "\(sizeChanged)",
                    ])
                }
                first = false
                if status == .starting { setStatus(.running) }
                try sink.send(try pipeline.process(frame))
                if let statisticsHandler, case let records = pipeline.takeStatistics(), !records.isEmpty {
                    statisticsHandler(records)
                }
                condition.lock()
                frames += 1
                condition.unlock()
            }
            try sink.send(try pipeline.finish())
            if let statisticsHandler, case let records = pipeline.takeStatistics(), !records.isEmpty {
                statisticsHandler(records)
            }
        } catch {
            // Whatever this attempt left open is ended before the error goes up: nothing is lost.
            if let closing = try? pipeline.finish() { try? sink.send(closing) }
            throw error
        }
    }
}

/// Stream time across reopen attempts: the first frame of a reopened input is stamped one frame
/// interval (the last one seen, else 40 ms) after the last frame of the previous attempt, and the
/// following frames keep their spacing, so time never goes backwards for the pipeline.
struct StreamClock {
    private var last: Timestamp?
    private var interval: Int64 = 40_000_000
    private var offset: Int64 = 0
    private var anchored = true
    private var size: (width: Int, height: Int)?

    /// The offset added to the current input's timestamps, in seconds.
    var offsetSeconds: Double { Double(offset) / 1e9 }

    /// A new input is about to be read: its first frame sets a new offset.
    mutating func beginAttempt() { anchored = false }

    /// Whether `frame` has another size than the frames before it.
    func sizeDiffers(_ frame: Frame) -> Bool {
        guard let size else { return false }
        return size != (frame.width, frame.height)
    }

    /// Adds the offset to `frame`'s timestamp (choosing it at an attempt's first frame).
    mutating func restamp(_ frame: inout Frame) {
        if !anchored {
            anchored = true
            if let last {
                let (start, overflow) = last.nanoseconds.addingReportingOverflow(interval)
                offset = (overflow ? .max : start) &- frame.timestamp.nanoseconds
            }
        }
        let (t, overflow) = frame.timestamp.nanoseconds.addingReportingOverflow(offset)
        frame.timestamp = Timestamp(nanoseconds: overflow ? .max : t)
        if let last, frame.timestamp > last { interval = frame.timestamp.nanoseconds - last.nanoseconds }
        last = frame.timestamp
        size = (frame.width, frame.height)
    }
}
