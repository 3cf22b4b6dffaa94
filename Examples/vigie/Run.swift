import ArgumentParser
import Dispatch
import Foundation
import Logging
import Vigie

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a scene's rules on an input (or many cameras at once) and print events as JSON Lines.",
        discussion: """
            The standard chain: background model, mask cleanup, blobs, identity-free tracker, the scene's \
            rules. Events (started / updated / ended) go to stdout as JSON Lines, or to --events FILE \
            (appended, flushed per event). Open events are ended at the end of the input.

            Many cameras: --scenes DIR (scene files, *.json) with --inputs CAMERA=INPUT for each camera \
            (CAMERA is a scene's cameraID); a scene file with no --inputs entry is a usage error. A camera \
            whose input sends nothing yet is reported as starting. Each camera runs on its own thread: a slow camera never holds \
            up the others. A stream that breaks (FIFO, device, stdin-less live input) is reported and \
            reopened up to --retries times; a regular file or folder that fails is not replayed.

            --webhook: at the end (input finished or a signal), the events not yet delivered get \
            --drain-timeout seconds (default 10), retried at once rather than after the back-off; any \
            still undelivered then (given up on, dropped from a full queue, or rejected by the receiver) \
            make the exit status 75 (EX_TEMPFAIL) with a message saying how many \
            and where they are kept: resend them with `vigie deliver --events FILE --webhook URL`.

            SIGINT or SIGTERM: every camera ends its open events and they are written before exit \
            (status 0, or 75 if webhook events are left undelivered), within 2 s: a camera blocked on a \
            stalled input has its open events ended for it, and the webhook drain is cut to 1.5 s after \
            the signal (a signal during the drain ends it at once).
            """)

    @Option(help: "The camera's scene file (JSON).")
    var scene: String?

    @Option(help: "A folder of JPEG frames, a .jpg, a .y4m, an .mjpeg, or - for stdin.")
    var input: String?

    @Option(help: "A folder of scene files (*.json), one per camera; use with --inputs.")
    var scenes: String?

    @Option(parsing: .upToNextOption, help: "CAMERA=INPUT for each camera of --scenes.")
    var inputs: [String] = []

    @Option(help: "Append events to this JSON Lines file instead of stdout.")
    var events: String?

    @Option(help: "Background model: \(BackgroundModelKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var model: BackgroundModelKind = .adaptive

    @Option(help: "Frame rate for inputs that carry no timing (JPEG folders, MJPEG); default: the scene's hint, else 25.")
    var fps: Double?

    @Option(help: "The widest image each camera is analysed at, in pixels (a wider camera at 1/2, 1/4 or 1/8 size); default: the scene's analysisMaxWidth, else \(Scene.defaultAnalysisMaxWidth).")
    var analysisMaxWidth: Int?

    @Option(help: "Reopen attempts for a live input (FIFO, device) that breaks.")
    var retries: Int = 3

    @Option(help: "Also write every event and each scene file's hash to this tamper-evident journal (Documentation/Journal.md).")
    var journal: String?

    @Option(help: "The journal's key file (HMAC-SHA256; created with mode 0600 if missing); default: the journal's path + .key.")
    var journalKey: String?

    @Option(help: "Also POST every event as JSON to this URL (retried with back-off; see Documentation/Events.md).")
    var webhook: String?

    @Option(help: "With --webhook: seconds to keep delivering at the end (retrying at once, not after the back-off) before the events left are counted undelivered (exit 75).")
    var drainTimeout: Double = 10

    func validate() throws {
        switch (scene, input, scenes, inputs.isEmpty) {
        case (_?, _?, nil, true): break
        case (nil, nil, _?, false): break
        case (_, _, _?, true): throw ValidationError("--scenes needs --inputs CAMERA=INPUT for each camera")
        case (nil, nil, nil, false): throw ValidationError("--inputs needs --scenes DIR (the cameras' scene files)")
        default: throw ValidationError("give --scene and --input (one camera), or --scenes and --inputs (many)")
        }
        if let w = analysisMaxWidth, !(64...16_384).contains(w) {
            throw ValidationError("--analysis-max-width must be 64…16384 pixels, got \(w)")
        }
        guard retries >= 0 else { throw ValidationError("--retries must be 0 or more") }
        if let webhook { try validateWebhook(webhook) }
        guard drainTimeout >= 0 else { throw ValidationError("--drain-timeout must be 0 or more, got \(drainTimeout)") }
    }

    func run() throws {
        // Installed first: a signal during setup, or while a camera waits for a stalled input,
        // still ends the run cleanly (status 0, every open event ended).
        let stop = SignalWatch(signals: [SIGINT, SIGTERM])
        // Cameras: (scene, input path, scene file).
        var cameras: [(scene: Scene, input: String, file: String)] = []
        do {
            if let scene, let input {
                do {
                    cameras = [(try Scene(contentsOf: URL(fileURLWithPath: scene)), input, scene)]
                } catch {
                    throw SceneFileProblem(file: scene, error: error)
                }
            } else if let scenes {
                cameras = try Self.pairs(scenes: scenes, inputs: inputs)
            }
        } catch let error as ValidationError {
            throw usageError(error.message)
        } catch {
            throw fail(error)
        }

        let sink: SharedEventSink
        var runners: [CameraRunner] = []
        let logger = cliLogger
        var poster: WebhookSink?
        let statisticsOut: StatisticsWriter
        do {
            // Fail fast on a file or folder that cannot be opened at all (opening one never blocks),
            // before anything (the journal) is created. A live input (FIFO, device) or stdin may
            // block until its writer sends something: the camera opens it on its own thread, and is
            // `starting` until then.
            var firstSources: [(any FrameSource)?] = []
            for (sceneFile, path, _) in cameras {
                let live = Self.isLive(path) || path == "-"
                firstSources.append(live ? nil : try FrameInput.open(path, format: .ycbcr420,
                                                                     framesPerSecond: fps ?? sceneFile.frameRate ?? 25,
                                                                     analysisMaxWidth: analysisMaxWidth ?? sceneFile.effectiveAnalysisMaxWidth))
            }
            var sinks: [any EventSink] = [try events.map { try JSONLinesSink(path: $0, mode: .append) } ?? JSONLinesSink(standardOutput: ())]
            if let webhook, let url = URL(string: webhook) {
                let p = WebhookSink(configuration: WebhookSink.Configuration(url: url), logger: logger)
                poster = p
                sinks.append(p)
            }
            if let journal {
                // Verifies the journal, continues its chain, prunes what has expired (12 months).
                let key = try JournalKey.loadOrCreate(path: journalKey ?? JournalKey.defaultPath(forJournal: journal))
                let writer = try JournalWriter(path: journal, key: key)
                for camera in cameras {
                    try writer.recordConfiguration(sceneData: try Data(contentsOf: URL(fileURLWithPath: camera.file)),
                                                   cameraID: camera.scene.cameraID)
                }
                sinks.append(JournalSink(writer: writer))
            }
            sink = SharedEventSink(sinks.count == 1 ? sinks[0] : FanOutSink(sinks))
            statisticsOut = try StatisticsWriter(path: events)
            for ((sceneFile, path, _), first) in zip(cameras, firstSources) {
                let live = Self.isLive(path)
                let rate = fps ?? sceneFile.frameRate ?? 25
                let opener = InputOpener(path: path, first: first, fps: rate,
                                         analysisMaxWidth: analysisMaxWidth ?? sceneFile.effectiveAnalysisMaxWidth)
                let modelKind = model
                let out = statisticsOut
                let runner = CameraRunner(scene: sceneFile, openInput: { try opener.open() },
                                          model: { modelKind.makeModel() }, sink: sink,
                                          statistics: { records in out.write(records) },
                                          retry: CameraRunner.RetryPolicy(retries: live ? retries : 0),
                                          logger: logger)
                for (id, reason) in RuleEngine(scene: sceneFile).unsupported {
                    note("vigie: \(sceneFile.cameraID): rule \(id) skipped: \(reason)")
                }
                runners.append(runner)
            }
        } catch {
            throw fail(error)
        }

        for runner in runners { runner.start() }
        var signalled: Int32?
        var signalledAt: Date?
        let started = Date()
        var reportedWaiting = false
        while !runners.allSatisfy({ $0.waitUntilDone(timeout: 0) }) {
            if let s = stop.wait(timeout: 0.1) {
                signalled = s
                signalledAt = Date()
                break
            }
            // Said once, so that a camera that is not sending is visible while the others run.
            if !reportedWaiting, Date().timeIntervalSince(started) >= 5 {
                reportedWaiting = true
                for runner in runners where runner.status == .starting {
                    note("vigie: \(runner.cameraID): starting: no frame from its input yet")
                }
            }
        }
        if let signalled {
            do {
                // Cameras blocked on a stalled input are not waited for: their open events are
                // ended for them, and the process exits with them still blocked.
                let forced = try CameraRunner.shutdown(runners, sink: sink, timeout: 1)
                let stalled = runners.filter { !$0.waitUntilDone(timeout: 0) }.map(\.cameraID)
                note("vigie: stopped by signal \(signalled); \(forced.count) open events ended for stalled cameras"
                     + (stalled.isEmpty ? "" : " (\(stalled.joined(separator: ", ")) still waiting for input)"))
            } catch {
                throw fail(error)
            }
        }
        var failed = false
        for (runner, camera) in zip(runners, cameras) {
            // The failure's reason was logged by the runner when it happened: not repeated here.
            if case .failed = runner.status {
                note("vigie: \(runner.cameraID): failed after \(runner.framesProcessed) frames", level: .error)
                failed = true
            } else if signalled == nil, runner.framesProcessed == 0 {
                note("vigie: \(runner.cameraID): \(NoFramesError(input: camera.input))", level: .error)
                failed = true
            } else {
                note("vigie: \(runner.cameraID): \(runner.framesProcessed) frames"
                     + (runner.status == .starting ? " (starting: no frame came from its input)" : ""))
            }
        }
        note("vigie: \(sink.count) events")
        if let poster {
            // After a signal the drain gets what is left of the signal's exit budget (the process
            // exits within 2 s of SIGTERM); a signal received during the drain ends it at once.
            // What is left is counted undelivered (status 75) and stays in the events file.
            var drain = drainTimeout
            if let signalledAt { drain = min(drain, max(0, Self.signalExitBudget - Date().timeIntervalSince(signalledAt))) }
            let cut = CutShort()
            let drainStarted = Date()
            _ = poster.close(timeout: drain, interrupted: { [stop] in
                if stop.wait(timeout: 0) != nil { cut.set() }
                return cut.isSet
            })
            if cut.isSet { note("vigie: webhook drain cut short by a signal") }
            let statistics = poster.statistics
            note("vigie: webhook: \(statistics)")
            // Every event not delivered: abandoned (given up on, or left at the end of the drain),
            // dropped from a full queue, or rejected by the receiver (4xx). All are in the events file.
            let lost = statistics.abandoned + statistics.dropped + statistics.rejected
            if lost > 0 {
                let kept = events.map { "they are kept in \($0): resend with vigie deliver --events \($0) --webhook \(webhook ?? "URL")" }
                    ?? "they were written to stdout only (give --events FILE to keep them for vigie deliver)"
                note("vigie: \(lost) events undelivered to the webhook after a \(formatSeconds(Date().timeIntervalSince(drainStarted))) drain; \(kept)",
                     level: .error)
                throw ExitCode(75)
            }
        }
        if failed, signalled == nil { throw ExitCode(1) }
    }

    /// Seconds from a SIGINT/SIGTERM to the end of the webhook drain: the camera shutdown takes
    /// at most 1 s of it, and the process exits well within 2 s of the signal.
    static let signalExitBudget = 1.5

    /// Scene files of `scenes` matched to `CAMERA=INPUT` pairs by camera id.
    static func pairs(scenes folder: String, inputs: [String]) throws -> [(scene: Scene, input: String, file: String)] {
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".json") }.sorted()
        var byCamera: [String: (Scene, String)] = [:]
        for file in files {
            let path = URL(fileURLWithPath: folder).appendingPathComponent(file).path
            let scene: Scene
            do {
                scene = try Scene(contentsOf: URL(fileURLWithPath: path))
            } catch {
                throw SceneFileProblem(file: path, error: error)
            }
            guard byCamera[scene.cameraID] == nil else {
                throw ValidationError("two scene files in \(folder) have cameraID \(scene.cameraID)")
            }
            byCamera[scene.cameraID] = (scene, path)
        }
        var seen = Set<String>()
        let cameras = try inputs.map { pair in
            guard let eq = pair.firstIndex(of: "="), eq != pair.startIndex, eq != pair.index(before: pair.endIndex) else {
                throw ValidationError("--inputs takes CAMERA=INPUT, got \(pair)")
            }
            let camera = String(pair[..<eq]), path = String(pair[pair.index(after: eq)...])
            guard let (scene, file) = byCamera[camera] else {
                throw ValidationError("no scene file in \(folder) has cameraID \(camera) (have: \(byCamera.keys.sorted().joined(separator: ", ")))")
            }
            guard seen.insert(camera).inserted else { throw ValidationError("--inputs names camera \(camera) twice") }
            return (scene: scene, input: path, file: file)
        }
        // A scene without an input would be a camera nobody watches while the operator thinks it
        // is watched: an error, not a silent skip.
        let missing = byCamera.keys.filter { !seen.contains($0) }.sorted()
        guard missing.isEmpty else {
            throw ValidationError("no --inputs entry for camera \(missing.joined(separator: ", ")) of \(folder) "
                                  + "(give CAMERA=INPUT for every scene file, or move the file out of the folder)")
        }
        return cameras
    }

    /// A live input can be reopened after it breaks: a FIFO or a device. Files, folders and
    /// stdin cannot (a file would replay from its start).
    static func isLive(_ path: String) -> Bool {
        guard path != "-", let type = try? FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType else {
            return false
        }
        return type != .typeRegular && type != .typeDirectory
    }
}

/// Writes statistics records (statistics mode) as JSON Lines to stdout or appends them to a file,
/// one write per line, from any camera thread.
final class StatisticsWriter: @unchecked Sendable {
    private let lock = NSLock()
    private let handle: FileHandle

    init(path: String?) throws {
        if let path {
            if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
            guard let h = FileHandle(forWritingAtPath: path) else { throw WriteError(path: path, reason: "cannot open for writing") }
            h.seekToEndOfFile()
            handle = h
        } else {
            handle = FileHandle.standardOutput
        }
    }

    func write(_ records: [ZoneStatistics]) {
        lock.lock()
        defer { lock.unlock() }
        for record in records {
            if let line = try? record.jsonLine() { try? handle.write(contentsOf: Data((line + "\n").utf8)) }
        }
    }
}

/// Hands the already-opened source (if any) on the first call, opens the path on later ones.
final class InputOpener: @unchecked Sendable {
    private let lock = NSLock()
    private var first: (any FrameSource)?
    private let path: String
    private let fps: Double
    private let analysisMaxWidth: Int

    init(path: String, first: (any FrameSource)?, fps: Double, analysisMaxWidth: Int) {
        self.path = path
        self.first = first
        self.fps = fps
        self.analysisMaxWidth = analysisMaxWidth
    }

    func open() throws -> any FrameSource {
        lock.lock()
        defer { lock.unlock() }
        if let source = first {
            first = nil
            return source
        }
        return try FrameInput.open(path, format: .ycbcr420, framesPerSecond: fps, analysisMaxWidth: analysisMaxWidth)
    }
}

/// Set once, read from any thread: whether a signal cut the webhook drain short.
final class CutShort: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    func set() { lock.withLock { value = true } }

    var isSet: Bool { lock.withLock { value } }
}

/// Catches signals (their default action is disabled) and reports the first one received.
final class SignalWatch: @unchecked Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var received: Int32?
    private var sources: [any DispatchSourceSignal] = []

    init(signals: [Int32]) {
        for s in signals {
            signal(s, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: s, queue: .global())
            source.setEventHandler { [self] in
                lock.lock()
                if received == nil { received = s }
                lock.unlock()
                semaphore.signal()
            }
            source.resume()
            sources.append(source)
        }
    }

    /// The signal received, waiting at most `timeout` seconds; nil if none.
    func wait(timeout: Double) -> Int32? {
        guard semaphore.wait(timeout: .now() + timeout) == .success else { return nil }
        lock.lock()
        defer { lock.unlock() }
        return received
    }
}
