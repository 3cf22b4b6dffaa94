import Foundation
import VigieCore
import VigieEvents

/// The configuration of one camera: its zones, lines, privacy masks, optional ground
/// calibration and rules. Loaded from a JSON scene file (see `Documentation/SceneFile.md`
/// and `Documentation/scene.schema.json`) and validated: every error names the field and
/// the reason.
///
/// ```swift
/// let scene = try Scene(contentsOf: URL(filePath: "platform-3.json"))   // throws SceneFileError
/// ```
///
/// Coordinates: every point is in normalised image coordinates, (0, 0) at the top-left
/// corner and (1, 1) at the bottom-right, x to the right and y down, whatever the
/// resolution; angles are in degrees on the displayed image (0 = right, 90 = down).
/// Ground positions (calibration) are in metres.
public struct Scene: Codable, Sendable, Equatable {
    /// The camera's identifier, carried by every event. Non-empty.
    public var cameraID: String
    /// Free text for people reading the file (optional).
    public var description: String?
    /// The expected frame rate in frames per second (0…1000], a hint for buffer sizes; rules
    /// read time from frame timestamps, not from this. Optional.
    public var frameRate: Double?
    /// Polygonal regions watched by rules.
    public var zones: [Zone]
    /// Tripwires watched by `lineCrossed` rules.
    public var lines: [Line]
    /// Regions always filled opaque in images leaving the library.
    public var privacyMasks: [PrivacyMask]
    /// The ground-plane calibration (metres), needed by `maxDensity` and metric distances. Optional.
    public var calibration: GroundCalibration?
    /// The rules, in the order they run.
    public var rules: [RuleConfiguration]
    /// Anonymous statistics mode: no image and no per-object geometry leaves the pipeline —
    /// no alerts, no tracks, no rendering — only aggregated counts, occupancy and densities per
    /// zone per `statisticsInterval` (`ZoneStatistics`). Default false.
    public var statisticsOnly: Bool
    /// Seconds of stream time each statistics record covers (> 0, at most a day). Default
    /// ``defaultStatisticsInterval`` (60 s).
    public var statisticsInterval: Double
    /// Default ``statisticsInterval``: 60 s.
    public static let defaultStatisticsInterval = 60.0
    /// The widest image the camera is analysed at, in pixels (64…16384); nil: the default
    /// ``defaultAnalysisMaxWidth`` (960). A wider camera is analysed at 1/2, 1/4 or 1/8 of its size,
    /// the first that fits (JPEG inputs decode straight to it with DCT scaling, Y4M frames are
    /// downscaled once). Zones, lines, calibration and events are in normalised coordinates, so
    /// they do not change with it; pixel sizes of the analysis (blob areas) are at the analysis size.
    public var analysisMaxWidth: Int?
    /// Default ``analysisMaxWidth``: 960 pixels (a 1080p camera is analysed at 960x540).
    public static let defaultAnalysisMaxWidth = 960
    /// ``analysisMaxWidth``, or the default when the scene sets none.
    public var effectiveAnalysisMaxWidth: Int { analysisMaxWidth ?? Scene.defaultAnalysisMaxWidth }

    /// A scene; call ``validate()`` before use (the file initialisers do).
    public init(
        cameraID: String, description: String? = nil, frameRate: Double? = nil, zones: [Zone] = [], lines: [Line] = [],
        privacyMasks: [PrivacyMask] = [], calibration: GroundCalibration? = nil, rules: [RuleConfiguration] = [],
        statisticsOnly: Bool = false, statisticsInterval: Double = Scene.defaultStatisticsInterval,
        analysisMaxWidth: Int? = nil
    ) {
        self.cameraID = cameraID
        self.description = description
        self.frameRate = frameRate
        self.zones = zones
        self.lines = lines
        self.privacyMasks = privacyMasks
        self.calibration = calibration
        self.rules = rules
        self.statisticsOnly = statisticsOnly
        self.statisticsInterval = statisticsInterval
        self.analysisMaxWidth = analysisMaxWidth
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case cameraID, description, frameRate, zones, lines, privacyMasks, calibration, rules, statisticsOnly
        case statisticsInterval, analysisMaxWidth
    }

    /// Decodes without validating. `"$schema"` is accepted at the root (editors use it) and ignored.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self, alsoAllowed: ["$schema"])
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            cameraID: try c.decode(String.self, forKey: .cameraID),
            description: try c.decodeIfPresent(String.self, forKey: .description),
            frameRate: try c.decodeIfPresent(Double.self, forKey: .frameRate),
            zones: try c.decodeIfPresent([Zone].self, forKey: .zones) ?? [],
            lines: try c.decodeIfPresent([Line].self, forKey: .lines) ?? [],
            privacyMasks: try c.decodeIfPresent([PrivacyMask].self, forKey: .privacyMasks) ?? [],
            calibration: try c.decodeIfPresent(GroundCalibration.self, forKey: .calibration),
            rules: try c.decodeIfPresent([RuleConfiguration].self, forKey: .rules) ?? [],
            statisticsOnly: try c.decodeIfPresent(Bool.self, forKey: .statisticsOnly) ?? false,
            statisticsInterval: try c.decodeIfPresent(Double.self, forKey: .statisticsInterval)
                ?? Scene.defaultStatisticsInterval,
            analysisMaxWidth: try c.decodeIntegerIfPresent(forKey: .analysisMaxWidth))
    }

    // MARK: - Loading

    /// Decodes and validates a scene from JSON bytes.
    ///
    /// - Throws: ``SceneFileError/invalidJSON(reason:)`` for malformed JSON, or the first
    ///   ``SceneFileError/invalidValue(field:reason:)`` (decoding, then ``validationErrors()``).
    public init(json data: Data) throws(SceneFileError) {
        try self.init(unvalidatedJSON: data)
        try validate()
    }

    /// Reads, decodes and validates a scene file.
    ///
    /// - Throws: ``SceneFileError/unreadable(path:reason:)`` when the file cannot be read,
    ///   otherwise as ``init(json:)``.
    public init(contentsOf url: URL) throws(SceneFileError) {
        try self.init(json: try Self.read(url))
    }

    /// Decodes a scene without the semantic checks of ``validationErrors()``: structure,
    /// types, unknown keys, names (kinds, days, directions) and time formats are checked,
    /// references and ranges are not. For tools that report every problem at once (`vigie
    /// validate-scene`); call ``validationErrors()`` next.
    public init(unvalidatedJSON data: Data) throws(SceneFileError) {
        self = try decodeStrictJSON(Scene.self, from: data)
    }

    /// Reads and decodes a scene file without semantic checks (see ``init(unvalidatedJSON:)``).
    public init(unvalidatedContentsOf url: URL) throws(SceneFileError) {
        try self.init(unvalidatedJSON: try Self.read(url))
    }

    private static func read(_ url: URL) throws(SceneFileError) -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw .unreadable(path: url.path, reason: "no such file")
        }
        guard !isDirectory.boolValue else { throw .unreadable(path: url.path, reason: "is a folder") }
        do {
            return try Data(contentsOf: url)
        } catch {
            throw .unreadable(path: url.path, reason: "cannot be read (permissions?)")
        }
    }

    /// The JSON of this scene (sorted keys, pretty-printed); decoding it gives an equal scene.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    // MARK: - Lookup

    /// The zone with this id, if any.
    public func zone(id: String) -> Zone? { zones.first { $0.id == id } }

    /// The line with this id, if any.
    public func line(id: String) -> Line? { lines.first { $0.id == id } }

    // MARK: - Validation

    /// Throws the first problem of ``validationErrors()``, if any.
    public func validate() throws(SceneFileError) {
        if let first = validationErrors().first { throw first }
    }

    /// Every semantic problem of the scene, in file order, each naming the field and the
    /// reason; empty when the scene is valid.
    public func validationErrors() -> [SceneFileError] {
        var v = SceneValidator()
        v.check(self)
        return v.errors
    }
}
