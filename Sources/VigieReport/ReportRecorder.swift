import Foundation
import Logging
import VigieAnonymise
import VigieBackground
import VigieCore
import VigieEvents
import VigieIO
import VigieJournal
import VigiePipeline
import VigieRules
import VigieTracking

/// Runs a scene on recorded footage as `vigie run` would (the same `ScenePipeline`, so the same
/// events), and records what a person tuning the scene needs to see: each would-be alert with an
/// anonymised snapshot, zone occupancy and density over time, where tracked objects walked, and
/// what the run skipped. ``report(inputName:elapsedSeconds:)`` then gives a ``DryRunReport``.
///
/// ```
/// frame ─▶ ScenePipeline ─▶ events ─────────────┐
///              │ mask, tracks                    ▼
///              ├─▶ zone figures, heat map    DryRunReport ─▶ HTML
///              └─▶ Anonymiser ─▶ AnonymisedFrame ─▶ JPEG (snapshots, background)
/// ```
///
/// Images: only `AnonymisedFrame`s are encoded (`JPEGCodec.encode` takes nothing else). The
/// anonymiser follows every frame (`Anonymiser.observe`), so the images it renders (every frame
/// where an alert starts, and a heat-map background candidate every `backgroundCandidateInterval`
/// seconds) are redacted exactly as `vigie anonymise` redacts every frame.
///
/// Time comes from the frames; the caller measures the wall-clock time of the run if it wants it
/// in the report.
public struct ReportRecorder {
    /// Settings of the recording.
    public struct Configuration: Sendable, Hashable {
        /// How people are redacted in the images. Default `.silhouette`.
        public var anonymisation: AnonymisationMode = .silhouette
        /// JPEG quality of the images, 1…100. Default 80.
        public var jpegQuality: Int = 80
        /// Stream seconds between the frames the anonymiser renders as candidates for the heat map's
        /// background (it follows every frame, and renders every frame where an alert starts;
        /// 0: every frame). Default 2.
        public var backgroundCandidateInterval: Double = 2
        /// Stream seconds between measures of the zones' occupancy (pixel counts over each zone;
        /// object counts are taken on every tracked frame; 0: every frame). Default 0.5.
        public var occupancyInterval: Double = 0.5
        /// Interval of the zone figures, seconds of stream time. Default 1.
        public var sampleInterval: Double = 1
        /// Cells across the heat map (rows follow the image's aspect ratio). Default 64.
        public var heatMapColumns: Int = 64
        /// Stream seconds between refreshes of the heat map's background image. Default 10.
        public var backgroundRefreshInterval: Double = 10

        /// The defaults.
        public init() {}
    }

    /// The scene.
    public let scene: Scene
    /// The settings.
    public let configuration: Configuration
    /// The pipeline the events come from (the same chain as `vigie run`).
    public private(set) var pipeline: ScenePipeline

    private let sceneHash: String
    private let sceneName: String
    private var anonymiser: Anonymiser
    private var overlay: Overlay
    private var occupancy: [ZoneOccupancy]
    private let groundAreas: [Double?]
    private var alerts: [String: DryRunReport.Alert] = [:]
    private var alertOrder: [String] = []
    private var samples: [[DryRunReport.ZoneSample]]
    private var running: [(frames: Int, occupancyFrames: Int, occupancy: Double, count: Int, density: Double)]
    private var binStart: Double?
    private var heat: DryRunReport.HeatMap?
    private var backgroundJPEG: [UInt8]?
    private var backgroundTime = -Double.infinity
    private var backgroundHadPeople = false
    private var figures = DryRunReport.RunFigures(frames: 0, corruptFrames: 0, corruptReasons: [], globalChangeFrames: 0,
                                                  notWarmSeconds: 0, suppressedSeconds: 0, firstTime: 0, lastTime: 0,
                                                  width: 0, height: 0)
    private var previousTime: Double?
    private var anonymisedTime = -Double.infinity
    private var occupancyTime = -Double.infinity

    /// A recorder for the scene file `sceneData` (named `sceneName` in the report).
    /// - Parameters:
    ///   - model: the background model (the adaptive default, as `vigie run`).
    ///   - configuration: what is recorded and how often (see ``Configuration``).
    ///   - streamStart: wall-clock time of timestamp zero, for rule schedules.
    ///   - session: the run written in every event id (a fresh one by default; the same as a
    ///     `ScenePipeline`'s to compare their ids).
    ///   - logger: for the pipeline's warnings (rules not evaluated); never bootstrapped here.
    /// - Throws: `SceneFileError` for an invalid scene file; `PipelineError.statisticsOnly` for a
    ///   scene in statistics mode (no image may leave it, so there is nothing to report on).
    public init(sceneData: Data, sceneName: String, model: any BackgroundModel = AdaptiveBackground(),
                configuration: Configuration = Configuration(), streamStart: Date = Date(),
                session: EventSession = EventSession(),
                logger: Logger = Logger(label: "vigie", factory: { _ in SwiftLogNoOpLogHandler() })) throws {
        precondition((1...100).contains(configuration.jpegQuality), "jpegQuality must be 1...100, got \(configuration.jpegQuality)")
        precondition(configuration.backgroundCandidateInterval >= 0,
                     "backgroundCandidateInterval must be 0 or more, got \(configuration.backgroundCandidateInterval)")
        precondition(configuration.occupancyInterval >= 0, "occupancyInterval must be 0 or more, got \(configuration.occupancyInterval)")
        precondition(configuration.sampleInterval > 0, "sampleInterval must be positive, got \(configuration.sampleInterval)")
        precondition(configuration.heatMapColumns >= 1, "heatMapColumns must be 1 or more, got \(configuration.heatMapColumns)")
        let scene = try Scene(json: sceneData)
        guard !scene.statisticsOnly else { throw PipelineError.statisticsOnly(cameraID: scene.cameraID) }
        self.scene = scene
        self.configuration = configuration
        self.sceneName = sceneName
        sceneHash = Journal.sha256Hex(sceneData)
        pipeline = ScenePipeline(scene: scene, model: model, streamStart: streamStart, session: session, logger: logger)
        var anonymiserConfiguration = Anonymiser.Configuration()
        anonymiserConfiguration.mode = configuration.anonymisation
        anonymiser = Anonymiser(anonymiserConfiguration, privacyMasks: scene.privacyMasks)
        overlay = Overlay(zones: scene.zones, lines: scene.lines)
        occupancy = scene.zones.map(ZoneOccupancy.init(zone:))
        groundAreas = scene.zones.map { scene.calibration?.groundArea(ofPolygon: $0.polygon) }
        samples = Array(repeating: [], count: scene.zones.count)
        running = Array(repeating: (0, 0, 0, 0, 0), count: scene.zones.count)
    }

    /// Notes a frame the input skipped as corrupt (`FrameSource.nextSkippingCorruptFrames`'s report).
    public mutating func noteSkippedFrame(reason: String) {
        figures.corruptFrames += 1
        if figures.corruptReasons.count < 5 { figures.corruptReasons.append(reason) }
    }

    /// Runs one frame; returns the events the pipeline raised, updated or ended on it (exactly
    /// what `ScenePipeline.process(_:)` returns).
    /// - Throws: what `ScenePipeline` throws; `JPEGError` if a snapshot cannot be encoded.
    public mutating func process(_ frame: Frame) throws -> [Event] {
        let (events, mask) = try pipeline.processKeepingMask(frame)
        let t = frame.timestamp.seconds
        let model = pipeline.motion.model
        let dt = previousTime.map { max(0, t - $0) } ?? 0
        if figures.frames == 0 {
            figures.firstTime = t
            figures.width = frame.width
            figures.height = frame.height
            heat = DryRunReport.HeatMap(columns: configuration.heatMapColumns, rows: heatRows(frame),
                                        counts: Array(repeating: 0, count: configuration.heatMapColumns * heatRows(frame)))
        }
        figures.frames += 1
        figures.lastTime = t
        previousTime = t
        if !model.isWarm { figures.notWarmSeconds += dt }
        if model.sawGlobalChange { figures.globalChangeFrames += 1 }
        if pipeline.rules.isSuppressed { figures.suppressedSeconds += dt }
        let tracked = model.isWarm && !model.sawGlobalChange
        addZoneFigures(time: t, mask: mask, tracked: tracked, width: frame.width, height: frame.height)
        if tracked { addHeat(width: frame.width, height: frame.height) }

        let starts = events.contains { $0.phase == .started }
        let input = AnonymiserInput(frame: frame, foreground: mask, tracks: pipeline.tracks, model: model)
        if !starts && t - anonymisedTime < configuration.backgroundCandidateInterval {
            try anonymiser.observe(input)  // no image wanted: the anonymiser only follows the frame
        } else {
            anonymisedTime = t
            let image = try anonymiser.process(input)
            // The heat map's background: a recent anonymised frame, preferably with no one in it.
            let empty = pipeline.tracks.isEmpty
            let due = t - backgroundTime >= configuration.backgroundRefreshInterval
            if !anonymiser.lastFrameFullyRedacted,
               backgroundJPEG == nil || (due && (empty || backgroundHadPeople)) || (empty && backgroundHadPeople) {
                backgroundJPEG = try JPEGCodec.encode(image, quality: configuration.jpegQuality)
                backgroundTime = t
                backgroundHadPeople = !empty
            }
            if starts {
                for event in events where event.phase == .started {
                    var drawn = overlay
                    drawn.tracks = pipeline.tracks
                    drawn.labels = [String(format: "%.1f S", t)]  // the table row says what and which rule
                    let jpeg = try JPEGCodec.encode(image.drawing(drawn), quality: configuration.jpegQuality)
                    record(event, snapshot: jpeg, at: t, atEnd: false)
                }
            }
        }
        for event in events where event.phase != .started { record(event, snapshot: nil, at: t, atEnd: false) }
        return events
    }

    /// Ends every open event (end of input): call once after the last frame. Returns the events.
    public mutating func finish() throws -> [Event] {
        let events = try pipeline.finish()
        for event in events { record(event, snapshot: nil, at: nil, atEnd: true) }
        closeBin()
        return events
    }

    /// The report of what was recorded.
    /// - Parameters:
    ///   - inputName: how to name the footage in the report (a path).
    ///   - elapsedSeconds: wall-clock seconds of the run, measured by the caller.
    public func report(inputName: String, elapsedSeconds: Double? = nil) -> DryRunReport {
        DryRunReport(
            scene: scene, sceneHash: sceneHash, sceneName: sceneName, inputName: inputName, version: VigieVersion.current,
            alerts: alertOrder.compactMap { alerts[$0] }.sorted { ($0.start, $0.id) < ($1.start, $1.id) },
            unsupportedRules: pipeline.rules.unsupported,
            zoneSamples: Dictionary(uniqueKeysWithValues: zip(scene.zones.map(\.id), samples)),
            sampleInterval: configuration.sampleInterval,
            heatMap: heat ?? DryRunReport.HeatMap(columns: 0, rows: 0, counts: []),
            backgroundJPEG: backgroundJPEG,
            backgroundTime: backgroundJPEG == nil ? nil : backgroundTime, run: figures, elapsedSeconds: elapsedSeconds)
    }

    // MARK: - Recording

    private func heatRows(_ frame: Frame) -> Int {
        max(1, Int((Double(configuration.heatMapColumns) * Double(frame.height) / Double(max(frame.width, 1))).rounded()))
    }

    private mutating func record(_ event: Event, snapshot: [UInt8]?, at time: Double?, atEnd: Bool) {
        switch event.phase {
        case .started:
            guard alerts[event.id] == nil else { return }
            var box: NormalisedRect?
            for object in event.objects {
                guard let b = box else {
                    box = object.box
                    continue
                }
                let x0 = min(b.x, object.box.x), y0 = min(b.y, object.box.y)
                let x1 = max(b.x + b.width, object.box.x + object.box.width)
                let y1 = max(b.y + b.height, object.box.y + object.box.height)
                box = NormalisedRect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
            }
            alerts[event.id] = DryRunReport.Alert(
                id: event.id, kind: event.kind, ruleID: event.ruleID, zoneID: event.zoneID, lineID: event.lineID,
                start: event.startTime.seconds, end: event.time.seconds, openAtEnd: false,
                measurements: event.measurements, place: event.objects.first?.footPoint, box: box, snapshotJPEG: snapshot,
                snapshotTime: snapshot == nil ? nil : time)
            alertOrder.append(event.id)
        case .updated, .ended:
            guard var alert = alerts[event.id] else { return }
            // The situation's figures while it lasted: an `ended` event's (the situation gone, a
            // count of 0) only if there were none before.
            if !event.measurements.isEmpty, event.phase == .updated || alert.measurements.isEmpty {
                alert.measurements = event.measurements
            }
            alert.end = max(alert.start, (event.endTime ?? event.time).seconds)
            if event.phase == .ended, atEnd { alert.openAtEnd = true }
            alerts[event.id] = alert
        }
    }

    private mutating func addZoneFigures(time t: Double, mask: Mask, tracked: Bool, width: Int, height: Int) {
        guard !scene.zones.isEmpty else { return }
        let interval = configuration.sampleInterval
        if binStart == nil { binStart = (t / interval).rounded(.down) * interval }
        while let start = binStart, t >= start + interval {
            closeBin()
            binStart = start + interval
        }
        guard tracked else { return }
        let tracks = pipeline.tracks
        let measureOccupancy = t - occupancyTime >= configuration.occupancyInterval
        if measureOccupancy { occupancyTime = t }
        for z in scene.zones.indices {
            var count = 0
            for track in tracks where track.state == .confirmed || track.state == .lost {
                let foot = NormalisedPoint(x: track.footPoint.x / Double(width), y: track.footPoint.y / Double(height))
                if scene.zones[z].contains(foot) { count += 1 }
            }
            running[z].frames += 1
            running[z].count += count
            if measureOccupancy {
                running[z].occupancyFrames += 1
                running[z].occupancy += occupancy[z].fraction(of: mask) ?? 0
            }
            if let area = groundAreas[z], area > 0 { running[z].density += Double(count) / area }
        }
    }

    /// Closes the current interval (a sample per zone, also for an interval with no tracked frame).
    private mutating func closeBin() {
        guard let start = binStart else { return }
        for z in scene.zones.indices {
            let r = running[z]
            let n = Double(max(r.frames, 1))
            samples[z].append(DryRunReport.ZoneSample(start: start, occupancy: r.occupancy / Double(max(r.occupancyFrames, 1)),
                                                      count: Double(r.count) / n,
                                                      density: groundAreas[z] != nil ? r.density / n : nil))
            running[z] = (0, 0, 0, 0, 0)
        }
    }

    private mutating func addHeat(width: Int, height: Int) {
        guard let columns = heat?.columns, let rows = heat?.rows else { return }
        for track in pipeline.tracks where track.state == .confirmed {
            let cx = Int(track.footPoint.x / Double(width) * Double(columns))
            let cy = Int(track.footPoint.y / Double(height) * Double(rows))
            guard cx >= 0, cy >= 0 else { continue }
            heat!.counts[min(cy, rows - 1) * columns + min(cx, columns - 1)] += 1  // in place, no copy
        }
    }
}
