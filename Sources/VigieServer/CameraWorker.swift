import Foundation
import Logging
import VigieAnonymise
import VigieBackground
import VigieCore
import VigieEvents
import VigieIO
import VigiePipeline
import VigieRules
import VigieSimulator

/// One camera of the service: it opens its input on its own thread, runs the scene's standard
/// chain, stores every event phase (with an anonymised snapshot when a situation starts) and keeps
/// an anonymised preview about once a second. The anonymiser follows every frame and renders
/// only those two.
///
/// ```
///          ┌──────────── own thread ──────────────────────────────────────────────┐
/// input ─▶ │ frames ─▶ ScenePipeline ─▶ SharedEventSink(StoreSink) ─▶ EventStore  │
///  (file,  │             └─▶ Anonymiser (every frame) ─▶ JPEG (starts, 1/s)        │
///  ffmpeg) │ broke / ended: live inputs reopen with back-off, time goes on         │
///          └──────────────────────────────────────────────────────────────────────┘
/// ```
///
/// Unlike `CameraRunner` (the SDK's batch runner), a service camera never gives up on a live
/// input, keeps one pipeline across reopenings (stream time and event numbering go on), and
/// publishes its state, rate and preview for the HTTP API. A camera blocked on a stalled input
/// cannot be interrupted; ``endOpenSituations(reason:)`` ends its open events for it.
public final class CameraWorker: @unchecked Sendable {
    /// Where a camera stands.
    public enum State: String, Sendable, Codable, CaseIterable {
        /// Opening its input or waiting for its first frame.
        case starting
        /// Processing frames.
        case running
        /// The input broke; waiting before reopening it.
        case reconnecting
        /// The input cannot be used (a file that cannot be opened or read).
        case failed
        /// The input ended (a file) or the service is stopping.
        case stopped
    }

    /// What the API reports about a camera (no pixels).
    public struct Status: Sendable, Hashable {
        /// The camera id.
        public var id: String
        /// Where it stands.
        public var state: State
        /// The input, without credentials.
        public var input: String
        /// Frames per second processed, over the last few seconds.
        public var fps: Double
        /// Frames processed since the service started.
        public var frames: Int
        /// Frames skipped (corrupt, wrong size).
        public var droppedFrames: Int
        /// Wall-clock time of the last frame processed.
        public var lastFrameTime: Date?
        /// Times the input was reopened or its ffmpeg child restarted.
        public var restarts: Int
        /// The last input error.
        public var lastError: String?
        /// Whether the background model is warm (the preview is served only then).
        public var isWarm: Bool
    }

    /// The camera's configuration.
    public let camera: SiteConfiguration.Camera
    /// The camera's scene.
    public let scene: Scene
    private let sink: SharedEventSink
    private let storeSink: StoreSink
    private let metrics: ServerMetrics
    private let logger: Logger
    private let condition = NSCondition()
    private var stopRequested = false
    private var status: Status
    private var finished = false
    private var preview: [UInt8]?
    private var child: FFmpegChild?
    private var rateWindow: [Date] = []

    /// A camera writing to `store` (and `journal`), not started yet.
    public init(camera: SiteConfiguration.Camera, scene: Scene, store: EventStore, journal: JournalRecorder?,
                metrics: ServerMetrics, logger: Logger) {
        self.camera = camera
        self.scene = scene
        var logger = logger
        logger[metadataKey: "vigie.camera"] = "\(camera.id)"
        self.logger = logger
        self.metrics = metrics
        storeSink = StoreSink(store: store, journal: journal, metrics: metrics, logger: logger)
        sink = SharedEventSink(storeSink)
        status = Status(id: camera.id, state: .starting, input: camera.input.summary, fps: 0, frames: 0, droppedFrames: 0,
                        lastFrameTime: nil, restarts: 0, lastError: nil, isWarm: false)
    }

    /// The camera's current status.
    public var currentStatus: Status { condition.withLock { status } }

    /// The latest anonymised preview (JPEG, overlays drawn); nil until the model is warm.
    public var previewJPEG: [UInt8]? { condition.withLock { status.isWarm ? preview : nil } }

    /// Starts the camera's thread.
    public func start() {
        let thread = Thread { [self] in run() }
        thread.name = "vigie-\(camera.id)"
        thread.start()
    }

    /// Asks the camera to stop: at its next frame it ends its open situations and returns. An
    /// ffmpeg child is terminated (which also unblocks a read waiting on it).
    public func stop() {
        let running: FFmpegChild? = condition.withLock {
            stopRequested = true
            condition.broadcast()
            return child
        }
        running?.terminate()
    }

    /// Waits at most `timeout` seconds for the camera's thread to finish; true if it has.
    public func waitUntilFinished(timeout: Double) -> Bool {
        let deadline = Date(timeIntervalSinceNow: timeout)
        condition.lock()
        defer { condition.unlock() }
        while !finished {
            if !condition.wait(until: deadline) { return finished }
        }
        return true
    }

    /// Ends every open situation of a camera that could not finish by itself (blocked on a stalled
    /// input) and closes its sink; returns how many were ended.
    @discardableResult
    public func endOpenSituations(reason: String) -> Int {
        do {
            return try sink.closeOpenSituations(reason: reason).count
        } catch {
            logger.error("open events could not be ended", metadata: ["vigie.error": "\(error)"])
            return 0
        }
    }

    // MARK: - The camera's thread

    private var shouldStop: Bool { condition.withLock { stopRequested } }

    private func update(_ change: (inout Status) -> Void) {
        condition.withLock {
            change(&status)
            condition.broadcast()
        }
    }

    private func run() {
        let streamStart = Date()
        var pipeline = ScenePipeline(scene: scene, model: AdaptiveBackground(), streamStart: streamStart, logger: logger)
        storeSink.streamStart = streamStart
        var anonymiser = Anonymiser(privacyMasks: scene.privacyMasks)
        var overlay = Overlay(zones: scene.zones, lines: scene.lines)
        var offset = 0.0  // added to the input's timestamps: stream time goes on across reopenings
        var lastTime: Double?
        var backoff = 1.0
        var loop: UInt64 = 0
        var lastPreview = Date.distantPast
        let fps = camera.fps ?? scene.frameRate ?? 25

        while !shouldStop {
            var source: (any FrameSource)?
            do {
                source = try open(loop: loop, fps: fps)
                loop += 1
                var opened = false
                while !shouldStop,
                      var frame = try source!.nextSkippingCorruptFrames(report: { [self] reason in
                          update { $0.droppedFrames += 1 }
                          metrics.droppedFrame(camera: camera.id)
                          logger.warning("frame skipped", metadata: ["vigie.reason": "\(reason)"])
                      }) {
                    if !opened {
                        opened = true
                        backoff = 1
                        update { $0.state = .running }
                    }
                    frame.timestamp = Timestamp(seconds: offset + frame.timestamp.seconds)
                    if let lastTime, frame.timestamp.seconds <= lastTime {  // a source whose clock stepped back
                        offset += lastTime - frame.timestamp.seconds + 1 / fps
                        frame.timestamp = Timestamp(seconds: lastTime + 1 / fps)
                    }
                    if isPaced { pace(until: streamStart.addingTimeInterval(frame.timestamp.seconds)) }
                    let began = DispatchTime.now().uptimeNanoseconds
                    let (events, foreground) = try pipeline.processKeepingMask(frame)
                    lastTime = frame.timestamp.seconds
                    let now = Date()
                    let warm = pipeline.motion.model.isWarm
                    let wantsSnapshot = events.contains { $0.phase == .started }
                    var jpeg: [UInt8]?
                    let input = AnonymiserInput(frame: frame, foreground: foreground, tracks: pipeline.tracks,
                                                model: pipeline.motion.model)
                    if !wantsSnapshot && now.timeIntervalSince(lastPreview) < 1 {
                        // No image wanted: the anonymiser follows the frame, so the images it does
                        // render are redacted as when every frame is (issue 20's bound).
                        try anonymiser.observe(input)
                    } else {
                        let image = try anonymiser.process(input)
                        overlay.tracks = pipeline.tracks
                        jpeg = try? JPEGCodec.encode(image.drawing(overlay), quality: 80)
                        if now.timeIntervalSince(lastPreview) >= 1 {
                            lastPreview = now
                            condition.withLock { preview = jpeg }
                        }
                    }
                    for event in events {
                        if event.phase == .started, let jpeg { storeSink.stageSnapshot(jpeg, for: event.id) }
                        try sink.send(event)
                    }
                    let seconds = Double(DispatchTime.now().uptimeNanoseconds - began) / 1e9
                    metrics.frameProcessed(camera: camera.id, seconds: seconds)
                    update {
                        $0.frames += 1
                        $0.lastFrameTime = now
                        $0.isWarm = warm
                        $0.fps = rate(at: now)
                    }
                }
                if shouldStop { break }
                // The input ended.
                switch camera.input {
                case .path(let path) where !Self.isLive(path):
                    logger.info("input ended")
                    finish(&pipeline, state: .stopped)
                    return
                case .simulated:
                    offset = (lastTime ?? 0) + 1 / fps  // next loop of the simulation
                    continue
                default:
                    throw CameraInputError.ended(input: camera.input.summary)
                }
            } catch {
                let message = "\(error)"
                let retriable = isLiveInput || !(error is FrameSourceError && source == nil)
                if case .path(let path) = camera.input, !Self.isLive(path) {
                    logger.error("camera input failed", metadata: ["vigie.error": "\(message)"])
                    update { $0.lastError = message }
                    finish(&pipeline, state: .failed)
                    return
                }
                guard retriable, !shouldStop else { break }
                logger.warning("camera input broke; reopening", metadata: ["vigie.error": "\(message)",
                                                                       "vigie.retryInSeconds": "\(backoff)"])
                update {
                    $0.lastError = message
                    $0.state = .reconnecting
                    $0.restarts += 1
                    $0.fps = 0
                }
                metrics.inputRestarted(camera: camera.id)
                stopChild()
                waitWhileRunning(seconds: backoff)
                backoff = min(30, backoff * 2)
                // Stream time goes on from the wall clock, so a gap in the input is a gap in time.
                offset = max((lastTime ?? 0) + 1 / fps, Date().timeIntervalSince(streamStart))
                if case .frameSizeChanged? = error as? FrameError {
                    // A different picture size after a reopen: start a new chain for it.
                    _ = try? sink.send(pipeline.finish())
                    pipeline = ScenePipeline(scene: scene, model: AdaptiveBackground(), streamStart: streamStart, logger: logger)
                    anonymiser = Anonymiser(privacyMasks: scene.privacyMasks)
                }
            }
        }
        finish(&pipeline, state: .stopped)
    }

    private func finish(_ pipeline: inout ScenePipeline, state: State) {
        do {
            try sink.send(try pipeline.finish())
        } catch {
            logger.error("open events could not be ended", metadata: ["vigie.error": "\(error)"])
        }
        stopChild()
        condition.withLock {
            status.state = state
            status.fps = 0
            finished = true
            condition.broadcast()
        }
    }

    private func open(loop: UInt64, fps: Double) throws -> any FrameSource {
        update { $0.state = $0.frames == 0 ? .starting : .reconnecting }
        switch camera.input {
        case let .path(path):
            return try FrameInput.open(path, format: .ycbcr420, framesPerSecond: fps, analysisMaxWidth: analysisMaxWidth)
        case let .url(url):
            var args = ["-i", url]
            if url.lowercased().hasPrefix("rtsp") { args = ["-rtsp_transport", "tcp"] + args }
            return try startChild(args)
        case let .ffmpeg(args):
            return try startChild(args)
        case let .simulated(simulation):
            return SceneSimulator(DemoSite.simulatedScene(simulation, seed: 2026 &+ loop))
        }
    }

    /// The widest image the camera is analysed at: the site's camera setting, else the scene's.
    private var analysisMaxWidth: Int { camera.analysisMaxWidth ?? scene.effectiveAnalysisMaxWidth }

    private func startChild(_ inputArguments: [String]) throws -> any FrameSource {
        stopChild()
        let child = try FFmpegChild(inputArguments: inputArguments, logger: logger) { [self] line in
            update { $0.lastError = line }
        }
        let stopping: Bool = condition.withLock {
            self.child = child
            return stopRequested
        }
        if stopping { child.terminate() }
        var source = try Y4MSource(path: child.outputPath, format: .ycbcr420)
        source.fitAnalysis(maxWidth: analysisMaxWidth)
        return source
    }

    private func stopChild() {
        let running: FFmpegChild? = condition.withLock {
            defer { child = nil }
            return child
        }
        running?.terminate()
        running?.reap()
    }

    private var isLiveInput: Bool {
        switch camera.input {
        case let .path(path): Self.isLive(path)
        case .url, .ffmpeg, .simulated: true
        }
    }

    private var isPaced: Bool {
        switch camera.input {
        case .simulated: camera.realtime ?? true
        case .path: camera.realtime ?? false
        case .url, .ffmpeg: false  // ffmpeg paces a live stream; add "-re" to replay a file in real time
        }
    }

    /// Frames per second over the last 5 s of wall-clock time (called under the lock).
    private func rate(at now: Date) -> Double {
        rateWindow.append(now)
        while let first = rateWindow.first, now.timeIntervalSince(first) > 5 { rateWindow.removeFirst() }
        guard rateWindow.count > 1, let first = rateWindow.first else { return 0 }
        let span = now.timeIntervalSince(first)
        return span > 0 ? Double(rateWindow.count - 1) / span : 0
    }

    private func pace(until time: Date) {
        condition.lock()
        while !stopRequested, Date() < time, condition.wait(until: time) {}
        condition.unlock()
    }

    private func waitWhileRunning(seconds: Double) {
        pace(until: Date(timeIntervalSinceNow: seconds))
    }

    /// A FIFO or a device can be reopened after it breaks; a regular file or folder cannot.
    static func isLive(_ path: String) -> Bool {
        guard path != "-", let type = try? FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType else {
            return false
        }
        return type != .typeRegular && type != .typeDirectory
    }
}

/// Why a camera's input stopped.
public enum CameraInputError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A live input reached its end (ffmpeg exited, the FIFO's writer closed).
    case ended(input: String)
    /// ffmpeg could not be started.
    case cannotStartFFmpeg(reason: String)

    /// A sentence naming the input.
    public var description: String {
        switch self {
        case let .ended(input): "the input ended: \(input)"
        case let .cannotStartFFmpeg(reason): "cannot start ffmpeg: \(reason)"
        }
    }
}
