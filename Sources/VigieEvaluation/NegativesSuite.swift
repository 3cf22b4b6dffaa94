import Foundation
import VigieCore
import VigieEvents
import VigieIO
import VigiePipeline
import VigieRules

/// False alerts on real footage where no hard event happens.
///
/// Every hard-event rule (fire, smoke, tamper, abandoned and removed objects, person down, crowd
/// movement, projectile) and the zone rules run with their default settings on a whole-image
/// zone over clips of the shared data in which none of those events happens; every hard event
/// the chain raises there is a false alert. The zone rules (intrusion, loitering, density,
/// wrong way) have no ground truth here: their alerts are counted, not judged.
///
/// The clips are decoded with ffmpeg (a video, or a numbered image sequence at a stated rate)
/// to a temporary YUV4MPEG2 file, read back with `Y4MSource` (VigieIO).
public enum NegativesSuite {
    /// The kinds that count as false alerts when they start on a negative clip.
    public static let hardKinds: [EventKind] = [
        .fire, .smoke, .tamper, .abandonedObject, .objectRemoved, .personDown, .crowdMovement, .projectile,
    ]

    /// One negative clip: what ffmpeg reads and why no hard event happens in it.
    public struct Clip: Sendable, Hashable {
        /// Short name for tables.
        public var name: String
        /// Path given to ffmpeg's `-i` (a video, or a `%d` image pattern).
        public var input: String
        /// ffmpeg options placed before `-i` (frame rate and first number of an image sequence).
        public var inputOptions: [String]
        /// Whether the files of the clip are present.
        public var isPresent: Bool

        /// A clip.
        /// - Parameters:
        ///   - name: short name for tables.
        ///   - input: path given to ffmpeg's `-i`.
        ///   - inputOptions: ffmpeg options before `-i`.
        ///   - probe: a file whose presence says the clip is there.
        public init(name: String, input: String, inputOptions: [String] = [], probe: String) {
            self.name = name
            self.input = input
            self.inputOptions = inputOptions
            isPresent = FileManager.default.fileExists(atPath: probe)
        }
    }

    /// The negative clips of the shared data at `root` (`../shared/data`), present or not.
    ///
    /// FURG fire house6 is not among them: its annotations put a flame in every frame.
    public static func clips(sharedData root: String) -> [Clip] {
        let pets = root + "/pets2009/S2L1_View001/vtest.avi"
        let highway = root + "/cdnet/baseline/highway/input"
        let tud = root + "/tud/cvpr10_tud_stadtmitte"
        let trees = root + "/wallflower/WavingTrees"
        return [
            Clip(name: "PETS2009-S2L1", input: pets, probe: pets),
            Clip(name: "CDnet-highway", input: highway + "/in%06d.jpg",
                 inputOptions: ["-framerate", "25", "-start_number", "1"], probe: highway + "/in000001.jpg"),
            Clip(name: "TUD-Stadtmitte", input: tud + "/DaMultiview-seq%d.png",
                 inputOptions: ["-framerate", "25", "-start_number", "7022"], probe: tud + "/DaMultiview-seq7022.png"),
            Clip(name: "Wallflower-WavingTrees", input: trees + "/b%05d.bmp",
                 inputOptions: ["-framerate", "15", "-start_number", "0"], probe: trees + "/b00000.bmp"),
        ]
    }

    /// The scene every clip runs: one whole-image zone, every hard-event rule and the zone rules,
    /// each with its default settings.
    public static let scene: Scene = {
        let whole = [NormalisedPoint(x: 0, y: 0), NormalisedPoint(x: 1, y: 0), NormalisedPoint(x: 1, y: 1),
                     NormalisedPoint(x: 0, y: 1)]
        let rules: [RuleConfiguration] = [
            RuleConfiguration(id: "fire", kind: .fire), RuleConfiguration(id: "smoke", kind: .smoke),
            RuleConfiguration(id: "tamper", kind: .tamper),
            RuleConfiguration(id: "bag", kind: .abandonedObject, zone: "all"),
            RuleConfiguration(id: "gone", kind: .objectRemoved, zone: "all"),
            RuleConfiguration(id: "down", kind: .personDown, zone: "all"),
            RuleConfiguration(id: "panic", kind: .crowdMovement, zone: "all"),
            RuleConfiguration(id: "thrown", kind: .projectile, zone: "all"),
            RuleConfiguration(id: "in", kind: .intrusion, zone: "all"),
            RuleConfiguration(id: "stay", kind: .loitering, zone: "all"),
            RuleConfiguration(id: "dense", kind: .densityExceeded, zone: "all"),
        ]
        let scene = Scene(cameraID: "negatives", zones: [Zone(id: "all", polygon: whole)], rules: rules)
        try! scene.validate()  // fixed content: a failure is a programming error
        return scene
    }()

    /// One alert raised on a negative clip.
    public struct Alert: Sendable, Hashable {
        /// The event's kind.
        public var kind: EventKind
        /// When it started, in seconds from the first frame.
        public var time: Double
        /// The frame number it started on (1-based).
        public var frame: Int
    }

    /// What one clip gave.
    public struct Result: Sendable {
        /// The clip.
        public var clip: Clip
        /// Its length in seconds.
        public var seconds: Double
        /// Every alert that started, in time order.
        public var alerts: [Alert]

        /// Started alerts of `kind`.
        public func count(_ kind: EventKind) -> Int { alerts.count { $0.kind == kind } }
        /// Started hard-event alerts (all false on a negative clip).
        public var falseHardAlerts: Int { alerts.count { NegativesSuite.hardKinds.contains($0.kind) } }
        /// Alerts of `kind` per camera-hour.
        public func perHour(_ kind: EventKind) -> Double { Double(count(kind)) / seconds * 3600 }
    }

    /// Decodes `clip` with ffmpeg to a temporary YUV4MPEG2 file and returns its path.
    /// - Parameters:
    ///   - clip: the clip.
    ///   - ffmpeg: the ffmpeg executable.
    /// - Throws: `EvaluationError.unreadableFile` when ffmpeg fails.
    public static func decode(_ clip: Clip, ffmpeg: String) throws -> String {
        let out = FileManager.default.temporaryDirectory
            .appendingPathComponent("vigie-negatives-\(UUID().uuidString).y4m").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ffmpeg)
        process.arguments = ["-loglevel", "error", "-y"] + clip.inputOptions
            + ["-i", clip.input, "-f", "yuv4mpegpipe", "-pix_fmt", "yuv420p", out]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw EvaluationError.unreadableFile(path: clip.input)
        }
        return out
    }

    /// Runs ``scene`` over `clip`.
    /// - Parameters:
    ///   - clip: the clip.
    ///   - ffmpeg: the ffmpeg executable that decodes it.
    ///   - onAlert: called with each started alert, its event, the frame it started on, that
    ///     frame's foreground mask and the pipeline after it (for looking at the frame through the
    ///     anonymiser; nothing is kept).
    /// - Throws: ffmpeg, Y4M and pipeline errors.
    public static func run(
        _ clip: Clip, ffmpeg: String,
        onAlert: (Alert, Event, Frame, Mask, ScenePipeline) throws -> Void = { _, _, _, _, _ in }
    )
        throws -> Result
    {
        let path = try decode(clip, ffmpeg: ffmpeg)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var source = try Y4MSource(path: path)
        var pipeline = ScenePipeline(scene: scene, streamStart: Date(timeIntervalSince1970: 0),
                                     session: EventSession())
        var alerts: [Alert] = []
        var count = 0
        var first: Double?
        var last = 0.0
        while let frame = try source.next() {
            count += 1
            first = first ?? frame.timestamp.seconds
            last = frame.timestamp.seconds
            let (events, mask) = try pipeline.processKeepingMask(frame)
            for event in events where event.phase == .started {
                let alert = Alert(kind: event.kind, time: event.startTime.seconds - first!, frame: count)
                alerts.append(alert)
                try onAlert(alert, event, frame, mask, pipeline)
            }
        }
        _ = try pipeline.finish()
        let step = count > 1 ? (last - first!) / Double(count - 1) : 0
        return Result(clip: clip, seconds: last - (first ?? 0) + step, alerts: alerts)
    }

    /// The table of false alerts per camera-hour by kind and clip (Markdown).
    public static func table(_ results: [Result]) -> String {
        let kinds = hardKinds
        var lines = ["| clip | seconds | " + kinds.map(\.rawValue).joined(separator: " | ") + " | hard / h | zone alerts |",
                     "|---|---:|" + String(repeating: "---:|", count: kinds.count + 2)]
        func row(_ name: String, _ seconds: Double, _ counts: [Int], _ zone: Int) -> String {
            let cells = counts.map { $0 == 0 ? "0" : String(format: "%d (%.1f/h)", $0, Double($0) / seconds * 3600) }
            let hard = counts.reduce(0, +)
            return "| \(name) | \(String(format: "%.1f", seconds)) | " + cells.joined(separator: " | ")
                + String(format: " | %.1f | %d |", Double(hard) / seconds * 3600, zone)
        }
        for r in results {
            lines.append(row(r.clip.name, r.seconds, kinds.map { r.count($0) }, r.alerts.count - r.falseHardAlerts))
        }
        let seconds = results.map(\.seconds).reduce(0, +)
        if seconds > 0 {
            lines.append(row("all", seconds, kinds.map { k in results.map { $0.count(k) }.reduce(0, +) },
                             results.map { $0.alerts.count - $0.falseHardAlerts }.reduce(0, +)))
        }
        return lines.joined(separator: "\n")
    }
}
