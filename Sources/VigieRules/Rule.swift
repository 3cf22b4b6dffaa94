import Foundation
import VigieAnalysis
import VigieCore
import VigieEvents
import VigieTracking

/// What the rules see at each frame: its time and size, the live tracks, optionally the cleaned
/// foreground mask (for occupancy), and the frame-level cues of the scene analysers.
public struct RuleInput: Sendable {
    /// Presentation time of the frame.
    public var timestamp: Timestamp
    /// Width of the analysed frame, pixels (tracks are in these pixels).
    public var frameWidth: Int
    /// Height of the analysed frame, pixels.
    public var frameHeight: Int
    /// Live tracks from the tracker (rules use confirmed and lost, i.e. coasting, tracks).
    public var tracks: [Track]
    /// The frame's cleaned foreground mask, for occupancy rules; nil if not available.
    public var foreground: Mask?
    /// Whether `tracks` describe this frame. False while the background model warms up and on a
    /// frame it flags as a sudden global change: then only rules that do not need tracks
    /// (``Rule/needsTracks``) run, and the others keep their state.
    public var tracked: Bool
    /// Frame-level cues (fire, tamper, static objects) from the scene analysers.
    public var cues: SceneCues

    /// An input from its parts.
    public init(timestamp: Timestamp, frameWidth: Int, frameHeight: Int, tracks: [Track], foreground: Mask? = nil,
                tracked: Bool = true, cues: SceneCues = SceneCues()) {
        self.timestamp = timestamp
        self.frameWidth = frameWidth
        self.frameHeight = frameHeight
        self.tracks = tracks
        self.foreground = foreground
        self.tracked = tracked
        self.cues = cues
    }

    /// A track's foot point in normalised image coordinates.
    public func normalisedFootPoint(of track: Track) -> NormalisedPoint {
        NormalisedPoint(x: track.footPoint.x / Double(frameWidth), y: track.footPoint.y / Double(frameHeight))
    }

    /// A track as an event object (ephemeral id, normalised box and foot point).
    public func eventObject(for track: Track) -> EventObject {
        EventObject(trackID: track.id, box: NormalisedRect(track.box, imageWidth: frameWidth, imageHeight: frameHeight),
                    footPoint: normalisedFootPoint(of: track), objectClass: track.objectClass)
    }
}

/// A rule kind: turns frames' tracks into events with a lifecycle. Integrators add kinds by
/// conforming their own types and passing them to `RuleEngine(scene:extraRules:)`.
public protocol Rule {
    /// The rule's id (unique in the scene).
    var id: String { get }
    /// Evaluates one frame; returns the events it starts, updates or ends.
    mutating func evaluate(_ input: RuleInput) throws -> [Event]
    /// Ends every open event at `time` (end of stream, shutdown).
    mutating func finish(at time: Timestamp) throws -> [Event]
    /// Whether the rule reads tracks. Rules that do are skipped on frames whose tracks mean
    /// nothing (`RuleInput.tracked` false); frame-level rules (tamper) run on every frame.
    /// Default true.
    var needsTracks: Bool { get }
}

extension Rule {
    /// Default: the rule reads tracks.
    public var needsTracks: Bool { true }
}

/// Errors of the rule engine.
public enum RuleError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A frame's timestamp did not advance.
    case nonMonotonicTimestamp(previous: Timestamp, current: Timestamp)

    public var description: String {
        switch self {
        case let .nonMonotonicTimestamp(p, c): "timestamp \(c) is not after the previous frame's \(p)"
        }
    }
}

/// Settings every zone rule shares, read from its `RuleConfiguration`.
struct RuleCommon {
    let configuration: RuleConfiguration
    let cameraID: String
    let session: EventSession
    let schedule: WeeklySchedule?
    let streamStart: Date

    var id: String { configuration.id }

    /// Whether the rule's schedule (if any) is on at this frame time.
    func isScheduled(at t: Timestamp) -> Bool {
        guard let schedule else { return true }
        return schedule.isActive(at: t, streamStart: streamStart)
    }

    /// Whether a track may trigger the rule: confirmed or coasting, large enough, of a wanted class.
    func isEligible(_ track: Track, _ input: RuleInput) -> Bool {
        guard track.state == .confirmed || track.state == .lost else { return false }
        guard Double(track.box.height) >= configuration.minObjectSize * Double(input.frameHeight) else { return false }
        if let classes = configuration.classes {
            guard let c = track.objectClass, classes.contains(c) else { return false }
        }
        return true
    }

    /// The lifecycle settings of this rule.
    var lifecycle: EventLifecycle.Configuration {
        var c = EventLifecycle.Configuration()
        c.minDuration = configuration.minDuration
        c.updateInterval = configuration.updateInterval > 0 ? configuration.updateInterval : .infinity
        c.cooldown = configuration.cooldown
        c.endAfter = 1
        return c
    }
}
